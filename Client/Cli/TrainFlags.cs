using OrleansML.Client.Specs;
using OrleansML.Learning.Optimizers;

namespace OrleansML.Cli;

/// <summary>The <c>train</c> flags that set spec fields. A flag that is not given leaves the spec file's value
/// (or the spec's default) alone.</summary>
internal sealed class TrainFlags
{
    private static readonly Dictionary<string, ModelKind> s_models = new(StringComparer.OrdinalIgnoreCase)
    {
        ["softmax"] = ModelKind.SoftmaxRegression, ["mlp"] = ModelKind.Mlp, ["logistic"] = ModelKind.LogisticRegression,
        ["linear"] = ModelKind.LinearRegression, ["hashed-logistic"] = ModelKind.HashedLogisticRegression, ["fm"] = ModelKind.FactorizationMachine,
    };

    private static readonly Dictionary<string, ConsistencyMode> s_modes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["bsp"] = ConsistencyMode.Bsp, ["asp"] = ConsistencyMode.Asp, ["ssp"] = ConsistencyMode.Ssp,
        ["averaging"] = ConsistencyMode.ModelAveraging, ["lbfgs"] = ConsistencyMode.Lbfgs,
    };

    private static readonly Dictionary<string, OptimizerKind> s_optimizers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sgd"] = OptimizerKind.Sgd, ["momentum"] = OptimizerKind.Momentum, ["adagrad"] = OptimizerKind.AdaGrad,
        ["adam"] = OptimizerKind.Adam, ["ftrl"] = OptimizerKind.Ftrl,
    };

    private static readonly Dictionary<string, LearningRateScheduleKind> s_schedules = new(StringComparer.OrdinalIgnoreCase)
    {
        ["constant"] = LearningRateScheduleKind.Constant, ["step"] = LearningRateScheduleKind.StepDecay,
        ["exponential"] = LearningRateScheduleKind.ExponentialDecay, ["inverse-time"] = LearningRateScheduleKind.InverseTime,
        ["inverse-sqrt"] = LearningRateScheduleKind.InverseSqrt, ["cosine"] = LearningRateScheduleKind.Cosine,
    };

    public Option<string?> Spec { get; } = new("--spec") { Description = "A JSON training spec; the other flags override its values." };
    public Option<string?> JobId { get; } = new("--job-id") { Description = "The job id (default: a fresh one)." };
    public Option<string?> ModelName { get; } = new("--model-name") { Description = "Name to save the model under (default: the job id)." };
    public Option<string?> Model { get; } = new("--model") { Description = "softmax, mlp, logistic, linear, hashed-logistic or fm." };
    public Option<int?> Features { get; } = new("--features") { Description = "Input features (dense models)." };
    public Option<int?> Classes { get; } = new("--classes") { Description = "Classes (softmax, mlp)." };
    public Option<string?> Hidden { get; } = new("--hidden") { Description = "MLP hidden layer sizes, comma-separated, e.g. 256,128." };
    public Option<int?> HashBits { get; } = new("--hash-bits") { Description = "Hashed models: log2 of the buckets." };
    public Option<string?> Train { get; } = new("--train") { Description = "Training data: a CSV, LIBSVM/SVMlight, IDX or Parquet file (imported and partitioned, cached by content), or a dataset manifest (<dir>/<name>.manifest.json)." };
    public Option<string?> Test { get; } = new("--test") { Description = "Held-out data, in the same form as --train; evaluated after every epoch." };
    public Option<string?> Mode { get; } = new("--mode") { Description = "bsp, asp, ssp, averaging or lbfgs." };
    public Option<int?> Workers { get; } = new("--workers") { Description = "Partition workers." };
    public Option<int?> Shards { get; } = new("--shards") { Description = "Parameter shards." };
    public Option<int?> Epochs { get; } = new("--epochs") { Description = "Passes over the data." };
    public Option<int?> BatchSize { get; } = new("--batch-size") { Description = "Global mini-batch rows (0: ceil(rows / 32), at most 256)." };
    public Option<string?> Optimizer { get; } = new("--optimizer") { Description = "sgd, momentum, adagrad, adam or ftrl." };
    public Option<float?> LearningRate { get; } = new("--learning-rate") { Description = "Base learning rate." };
    public Option<string?> Schedule { get; } = new("--schedule") { Description = "constant, step, exponential, inverse-time, inverse-sqrt or cosine." };
    public Option<long?> DecaySteps { get; } = new("--decay-steps") { Description = "Schedule decay steps (0: the whole job)." };
    public Option<int?> Seed { get; } = new("--seed") { Description = "Seed of initial parameters and row order." };
    public Option<int?> Staleness { get; } = new("--staleness") { Description = "SSP staleness bound." };
    public Option<int?> BackupWorkers { get; } = new("--backup-workers") { Description = "BSP backup workers." };
    public Option<int?> AveragingInterval { get; } = new("--averaging-interval") { Description = "Model averaging: local steps between averages." };
    public Option<double?> AveragingMomentum { get; } = new("--averaging-momentum") { Description = "Model averaging: block momentum of the outer step, in [0, 1) (0: plain averaging)." };
    public Option<int?> LbfgsIterations { get; } = new("--lbfgs-iterations") { Description = "L-BFGS iterations." };
    public Option<int?> Patience { get; } = new("--early-stopping-patience") { Description = "Epochs without a better held-out loss before stopping (0: never)." };
    public Option<float?> L2 { get; } = new("--l2") { Description = "L2 strength of the optimizer (l2 * w added to every gradient)." };
    public Option<double?> LbfgsL2 { get; } = new("--lbfgs-l2") { Description = "L-BFGS: L2 strength added to the mean loss." };
    public Option<double?> TargetAccuracy { get; } = new("--target-accuracy") { Description = "Stop at the first epoch whose held-out accuracy reaches this (needs --test)." };
    public Option<double?> TargetLoss { get; } = new("--target-loss") { Description = "Stop at the first epoch whose training loss is at most this." };

    public IEnumerable<Option> All() =>
    [
        Spec, JobId, ModelName, Model, Features, Classes, Hidden, HashBits, Train, Test, Mode, Workers, Shards, Epochs, BatchSize,
        Optimizer, LearningRate, Schedule, DecaySteps, Seed, Staleness, BackupWorkers, AveragingInterval, AveragingMomentum, LbfgsIterations, Patience,
        L2, LbfgsL2, TargetAccuracy, TargetLoss,
    ];

    /// <summary>Creates the flags; each one that sets a spec field says that field's default (from the one table,
    /// <see cref="TrainingSpecSchema"/>) in its help.</summary>
    public TrainFlags()
    {
        foreach (Option option in All())
        {
            if (TrainingSpecSchema.DefaultOfFlag(option.Name) is string value && option.Description?.Contains("default", StringComparison.OrdinalIgnoreCase) == false)
            {
                option.Description += $" Default: {value}.";
            }
        }
    }

    /// <summary>The spec file (if any) with the given flags applied over it.</summary>
    /// <exception cref="CliException">A flag's value is not one of its choices (exit 2, naming the flag).</exception>
    /// <exception cref="TrainingSpecException">The spec file cannot be read or parsed.</exception>
    /// <param name="specFieldsSet">Receives the JSON path of each field the spec file sets (<c>$.model.kind</c>).</param>
    public TrainingSpec Build(ParseResult parse, ISet<string>? specFieldsSet = null)
    {
        string? file = parse.GetValue(Spec);
        TrainingSpec spec = file is null ? new TrainingSpec() : Client.TrainingSpecFile.Load(file, specFieldsSet);
        string? specDirectory = file is null ? null : Path.GetDirectoryName(Path.GetFullPath(file));
        ModelSpec model = spec.Model;
        model = model with
        {
            Kind = Choice(parse, Model, s_models) ?? model.Kind,
            FeatureCount = parse.GetValue(Features) ?? model.FeatureCount,
            ClassCount = parse.GetValue(Classes) ?? model.ClassCount,
            HiddenLayers = parse.GetValue(Hidden) is string hidden ? ParseLayers(hidden) : model.HiddenLayers,
            HashBits = parse.GetValue(HashBits) ?? model.HashBits,
        };
        OptimizerSettings optimizer = spec.Optimizer;
        optimizer = optimizer with
        {
            Kind = Choice(parse, Optimizer, s_optimizers) ?? optimizer.Kind,
            LearningRate = parse.GetValue(LearningRate) ?? optimizer.LearningRate,
            L2Regularization = parse.GetValue(L2) ?? optimizer.L2Regularization,
            Schedule = optimizer.Schedule with
            {
                Kind = Choice(parse, Schedule, s_schedules) ?? optimizer.Schedule.Kind,
                DecaySteps = parse.GetValue(DecaySteps) ?? optimizer.Schedule.DecaySteps,
            },
        };
        return spec with
        {
            JobId = parse.GetValue(JobId) ?? spec.JobId,
            ModelName = parse.GetValue(ModelName) ?? spec.ModelName,
            Model = model,
            Optimizer = optimizer,
            Data = spec.Data with
            {
                TrainManifest = Absolute(parse.GetValue(Train), null) ?? Absolute(spec.Data.TrainManifest, specDirectory) ?? "",
                TestManifest = Absolute(parse.GetValue(Test), null) ?? Absolute(spec.Data.TestManifest, specDirectory),
            },
            Mode = Choice(parse, Mode, s_modes) ?? spec.Mode,
            Workers = parse.GetValue(Workers) ?? spec.Workers,
            Shards = parse.GetValue(Shards) ?? spec.Shards,
            Epochs = parse.GetValue(Epochs) ?? spec.Epochs,
            BatchSize = parse.GetValue(BatchSize) ?? spec.BatchSize,
            Seed = parse.GetValue(Seed) ?? spec.Seed,
            Staleness = parse.GetValue(Staleness) ?? spec.Staleness,
            BackupWorkers = parse.GetValue(BackupWorkers) ?? spec.BackupWorkers,
            AveragingInterval = parse.GetValue(AveragingInterval) ?? spec.AveragingInterval,
            AveragingMomentum = parse.GetValue(AveragingMomentum) ?? spec.AveragingMomentum,
            LbfgsIterations = parse.GetValue(LbfgsIterations) ?? spec.LbfgsIterations,
            EarlyStoppingPatience = parse.GetValue(Patience) ?? spec.EarlyStoppingPatience,
            LbfgsL2Regularization = parse.GetValue(LbfgsL2) ?? spec.LbfgsL2Regularization,
            TargetAccuracy = parse.GetValue(TargetAccuracy) ?? spec.TargetAccuracy,
            TargetLoss = parse.GetValue(TargetLoss) ?? spec.TargetLoss,
        };
    }

    /// <summary>
    /// A manifest path made absolute: the silos that read it run in other directories (or on other machines
    /// sharing the data), so a relative path would name another file there than the one validated here. Flag
    /// values are relative to the working directory, a spec file's values to the spec file's directory.
    /// </summary>
    private static string? Absolute(string? path, string? baseDirectory) =>
        string.IsNullOrWhiteSpace(path) ? null
        : DatasetReference.IsBlobReference(path) ? path
        : baseDirectory is null ? Path.GetFullPath(path)
        : Path.GetFullPath(path, baseDirectory);

    /// <summary>The choice a flag names, null when the flag is not given.</summary>
    /// <exception cref="CliException">The value is not one of <paramref name="choices"/> (exit 2, naming the flag and the valid values).</exception>
    internal static T? Choice<T>(ParseResult parse, Option<string?> option, Dictionary<string, T> choices) where T : struct
    {
        string? value = parse.GetValue(option);
        if (value is null)
        {
            return null;
        }

        return choices.TryGetValue(value, out T choice)
            ? choice
            : throw new CliException(ExitCodes.BadUsage, $"{option.Name}: '{value}' is not one of {string.Join(", ", choices.Keys)}.");
    }

    private int[] ParseLayers(string text)
    {
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        var layers = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out layers[i]) || layers[i] < 1)
            {
                throw new CliException(ExitCodes.BadUsage, $"{Hidden.Name}: '{text}' must be positive layer sizes separated by commas, e.g. 256,128.");
            }
        }

        return layers;
    }
}
