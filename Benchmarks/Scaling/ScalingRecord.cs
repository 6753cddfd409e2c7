using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansML.Benchmarks.Scaling;

/// <summary>
/// One scaling run's measurements as saved to JSON (<c>scaling --save PATH</c>, read back by <c>scaling --refit</c>):
/// every input the model's check takes, and nothing fitted, so a later model can be fitted and checked on the same
/// runs without a cluster. Fields a run did not record are null (runs recovered from docs/scaling.md's tables lack
/// the one-thread time per row of each set-up, the final accuracy and the interpolated epochs of each set-up).
/// </summary>
/// <param name="Format">Always <see cref="CurrentFormat"/>.</param>
/// <param name="Source">Where the figures come from: a run's start time and machine, or the document they were
/// recovered from and how.</param>
/// <param name="Target">The held-out accuracy the times are measured to.</param>
/// <param name="MachineCores">The cores of the machine every silo of the run shared.</param>
/// <param name="OneThread">LocalTrainer at the demo's settings: compute per row and its crossing.</param>
/// <param name="ReplayedEpochs">Epochs to the target of the row order a BSP job of W workers visits
/// (<see cref="BspReplay"/>), by W.</param>
/// <param name="Setups">One entry per set-up, the medians of its rounds.</param>
internal sealed record ScalingRecord(
    string Format,
    string Source,
    double Target,
    int MachineCores,
    SavedCrossing OneThread,
    IReadOnlyList<SavedCrossing> ReplayedEpochs,
    IReadOnlyList<SavedSetup> Setups)
{
    public const string CurrentFormat = "orleansml-scaling-run/1";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    public void Save(string path)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, JsonSerializer.Serialize(this, Json) + "\n");
    }

    /// <summary>Reads and validates a saved run; a malformed file is an <see cref="InvalidDataException"/> naming the
    /// file and, where the reader knows them, the line and the field.</summary>
    public static ScalingRecord Load(string path)
    {
        ScalingRecord? record;
        try
        {
            record = JsonSerializer.Deserialize<ScalingRecord>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            string where = e.LineNumber is { } line ? $" line {line + 1}" : "";
            throw new InvalidDataException($"{path}:{where}: not a saved scaling run ({e.Path ?? "$"}): {e.Message}", e);
        }

        if (record is null)
        {
            throw new InvalidDataException($"{path}: empty document, expected a saved scaling run.");
        }

        record.Validate(path);
        return record;
    }

    /// <summary>The epochs to the target of a <paramref name="workers"/>-worker job: the replay of its row order, or
    /// one thread's if no replay was recorded for that count.</summary>
    public SavedCrossing EpochsFor(int workers) => ReplayedEpochs.FirstOrDefault(e => e.Workers == workers) ?? OneThread;

    private void Validate(string path)
    {
        if (Format != CurrentFormat)
        {
            throw new InvalidDataException($"{path}: field 'format' is '{Format}', expected '{CurrentFormat}'.");
        }

        Positive(path, "machine_cores", MachineCores);
        Positive(path, "one_thread.epochs", OneThread.Epochs);
        for (int i = 0; i < ReplayedEpochs.Count; i++)
        {
            Positive(path, $"replayed_epochs[{i}].epochs", ReplayedEpochs[i].Epochs);
        }

        if (Setups.Count == 0)
        {
            throw new InvalidDataException($"{path}: field 'setups' is empty.");
        }

        for (int i = 0; i < Setups.Count; i++)
        {
            SavedSetup s = Setups[i];
            string at = $"setups[{i}]";
            if (s.Silos < 1)
            {
                throw new InvalidDataException($"{path}: field '{at}.silos' is {s.Silos}, expected at least 1.");
            }

            Positive(path, $"{at}.cores", s.Cores);
            Positive(path, $"{at}.compute_per_step_seconds", s.ComputePerStepSeconds);
            Positive(path, $"{at}.step_seconds", s.StepSeconds);
            if (s.Silos > 1 && s.Link is null)
            {
                throw new InvalidDataException($"{path}: field '{at}.link' is missing: a set-up of {s.Silos} silos needs its probe figures.");
            }
        }
    }

    private static void Positive(string path, string field, double value)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            throw new InvalidDataException($"{path}: field '{field}' is {value}, expected a positive number.");
        }
    }
}

/// <summary>Where a curve reached the target: <paramref name="Epochs"/> interpolated, at whole epoch
/// <paramref name="Epoch"/>; <paramref name="Workers"/> is the worker count of a replayed row order (1 for one thread).</summary>
internal sealed record SavedCrossing(int Workers, double Epochs, int Epoch, double? SecondsPerRow = null);

/// <summary>One set-up's saved figures (the medians of its rounds); see <see cref="ScalingRun"/>.</summary>
internal sealed record SavedSetup(
    int Silos,
    long? RateBitsPerSecond,
    double Cores,
    double? OneThreadSecondsPerRow,
    double ComputePerStepSeconds,
    LinkFigures? Link,
    double StepSeconds,
    double? TimeToTargetSeconds,
    double? EpochsToTarget,
    int? Epoch,
    double? EpochSeconds,
    double? FinalAccuracy)
{
    public static SavedSetup From(ScalingRun run) => new(
        run.Silos,
        run.RateBitsPerSecond,
        run.ParallelCores,
        run.SecondsPerRow,
        run.ComputePerStep,
        run.Link,
        run.StepSeconds,
        run.Crossing?.Seconds,
        run.Crossing?.Epochs,
        run.Crossing?.Epoch,
        run.Crossing?.EpochSeconds,
        double.IsFinite(run.FinalAccuracy) ? run.FinalAccuracy : null);

    public ScalingRun ToRun() => new(
        Silos,
        RateBitsPerSecond,
        Cores,
        OneThreadSecondsPerRow ?? double.NaN,
        ComputePerStepSeconds,
        Link,
        StepSeconds,
        TimeToTargetSeconds is { } seconds && Epoch is { } epoch ? new TargetCrossing(epoch, EpochSeconds ?? double.NaN, EpochsToTarget ?? double.NaN, seconds) : null,
        FinalAccuracy ?? double.NaN);
}
