using System.Globalization;

namespace OrleansML.Benchmarks.Scaling;

/// <summary>One set-up's step time split by what multiplies it: measured = Fixed + kappa x Barrier + gamma x Wire.</summary>
internal sealed record FitRow(double Fixed, double Barrier, double Wire, double Measured);

/// <summary>
/// Turns a run's measurements (<see cref="ScalingRecord"/>) into <see cref="LinkCosts"/> and checks the model against
/// them. Measured parameters: round trip and per-call time (probes), serialization per byte (256 KB probes on
/// unshaped links, where the wire is nearly free), each divided by the contention of the probe's two busy processes
/// on the machine's cores (<see cref="ProbeContention"/>), bandwidth of a shaped link (the same probes: per byte on
/// the shaped link less per byte on unshaped ones), the epochs to the target of each worker count's row order
/// (<see cref="BspReplay"/>). A set-up's contention is its H busy silos on the machine's cores, not on the free cores
/// measured before it (printed, saved, not used): the outside load slows the probe and the job alike, so counting it
/// again through the free cores double-counts it, and at load 25 that reading swung between 1.00 and 2.00 for one
/// set-up; over the seven saved runs it put 29 set-ups of 42 within 25 % instead of 35 (docs/scaling.md). Compute
/// per step is the workers' own clock in the run: on this shared machine a one-thread figure taken before a run does
/// not hold during it; the one-thread figure is printed beside it and is what the projections use. Fitted: kappa (a host's mean delay at
/// the barrier) and gamma (wire factor), by least squares on relative step-time residuals; the check of each set-up
/// uses the two fitted on the <em>other</em> set-ups (leave-one-out), so no set-up predicts itself.
/// </summary>
internal static class ScalingFit
{
    /// <summary>Prints predicted vs measured per set-up and returns the largest relative error of time to target;
    /// <paramref name="calibrated"/> is the link of an unshaped set-up with kappa and gamma fitted on every set-up.</summary>
    public static double Check(TextWriter output, ScalingRecord record, out Dictionary<string, double> errors, out LinkCosts calibrated)
    {
        (double roundTrip, double message, double serialization) = Probes(record);
        FitRow[] rows = [.. record.Setups.Select(s => Row(record, s))];
        (double kappa, double gamma) = Fit(rows);
        string epochs = string.Join(", ", Enumerable.Range(1, 3).Select(w => string.Create(CultureInfo.InvariantCulture, $"{w} worker{(w > 1 ? "s" : "")} {record.EpochsFor(w).Epochs:F2}")));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"calibration: round trip {roundTrip * 1e6:F0} us, per call {message * 1e6:F1} us, serialization {serialization * 1e9:F2} ns/byte; epochs to target (replayed row order): {epochs}; fitted: kappa {kappa * 1e6:F0} us, wire factor gamma {gamma:F2}"));
        foreach (SavedSetup setup in record.Setups.Where(s => s.RateBitsPerSecond is not null && s.Link is not null))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {Label(setup)}: tbf rate {setup.RateBitsPerSecond / 1e6:F0} Mb/s, measured by the probe {8 * LinkOf(record, setup).BandwidthBytesPerSecond / 1e6:F0} Mb/s"));
        }

        double[] oneThread = [.. record.Setups.Where(s => s.OneThreadSecondsPerRow is not null).Select(s => s.OneThreadSecondsPerRow!.Value)];
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"compute per row: one thread before each set-up {(oneThread.Length > 0 ? (Measurement.Median(oneThread) * 1e6).ToString("F3", CultureInfo.InvariantCulture) + " us (median)" : "not recorded")}; the workers' own clocks in the runs (x cores / batch) {Measurement.Median(record.Setups.Select(s => WorkloadOf(record, s).ComputeSecondsPerRow)) * 1e6:F3} us"));
        output.WriteLine("set-up            cores  step meas.  pred. (compute messages  wire serialize barrier) us  step error   to target: meas.  pred.  error  (whole epochs: meas. at epoch, error)");
        errors = new Dictionary<string, double>(StringComparer.Ordinal);
        double maxError = 0;
        for (int i = 0; i < record.Setups.Count; i++)
        {
            (double k, double g) = rows.Length > 2 ? Fit([.. rows.Where((_, j) => j != i)]) : (kappa, gamma);
            double error = PrintCheck(output, record, record.Setups[i], k, g);
            errors[Label(record.Setups[i])] = error;
            maxError = Math.Max(maxError, error);
        }

        calibrated = new LinkCosts(roundTrip, double.PositiveInfinity, message, serialization, kappa, gamma);
        return maxError;
    }

    /// <summary>Prints one set-up's predicted vs measured step and time to target with kappa <paramref name="kappa"/>
    /// and gamma <paramref name="gamma"/>; returns the relative error of time to target (NaN if it never got there).</summary>
    public static double PrintCheck(TextWriter output, ScalingRecord record, SavedSetup setup, double kappa, double gamma)
    {
        Workload workload = WorkloadOf(record, setup);
        StepTime step = StepCostModel.Bsp(workload, ShapeOf(record, setup), LinkOf(record, setup) with { StepOverheadSeconds = kappa, WireFactor = gamma });
        double predicted = step.Total * workload.StepsPerEpoch * workload.EpochsToTarget;
        double error = setup.TimeToTargetSeconds is { } measured ? Math.Abs(predicted - measured) / measured : double.NaN;
        int wholeEpoch = record.EpochsFor(setup.Silos).Epoch;
        double? wholeError = setup.EpochSeconds is { } e && double.IsFinite(e) ? Math.Abs((step.Total * workload.StepsPerEpoch * wholeEpoch) - e) / e : null;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Label(setup),-17} {setup.Cores,5:F2}  {setup.StepSeconds * 1e3,7:F3} ms {step.Total * 1e3,7:F3} ms ({step.Compute * 1e6,5:F0} {step.Messages * 1e6,6:F0} {step.Wire * 1e6,6:F0} {step.Serialization * 1e6,6:F0} {step.Overhead * 1e6,6:F0})  {Percent(Math.Abs(step.Total - setup.StepSeconds) / setup.StepSeconds),6}     " +
            $"{setup.TimeToTargetSeconds?.ToString("F2", CultureInfo.InvariantCulture) ?? "never",7} s  {predicted,5:F2} s  {Percent(error),6}  ({setup.EpochSeconds?.ToString("F2", CultureInfo.InvariantCulture) ?? "-"} s at {setup.Epoch?.ToString(CultureInfo.InvariantCulture) ?? "-"} vs {wholeEpoch}, {Percent(wholeError)})"));
        return error;
    }

    /// <summary>The model's split of a set-up's step into what kappa and gamma multiply (the model is linear in both).</summary>
    public static FitRow Row(ScalingRecord record, SavedSetup setup)
    {
        Workload workload = WorkloadOf(record, setup);
        ClusterShape shape = ShapeOf(record, setup);
        LinkCosts bare = LinkOf(record, setup) with { StepOverheadSeconds = 0, WireFactor = 1 };
        StepTime step = StepCostModel.Bsp(workload, shape, bare);
        double barrier = StepCostModel.Overhead(shape, bare with { StepOverheadSeconds = 1 });
        return new FitRow(step.Total - step.Wire, barrier, step.Wire, setup.StepSeconds);
    }

    /// <summary>kappa and gamma minimising the squared relative residuals of measured = fixed + kappa x barrier +
    /// gamma x wire (two normal equations), each at least 0 (gamma at least 1: a link is never faster than its rate).</summary>
    public static (double Kappa, double Gamma) Fit(IReadOnlyList<FitRow> rows)
    {
        double a11 = 0, a12 = 0, a22 = 0, b1 = 0, b2 = 0;
        foreach (FitRow row in rows)
        {
            double x1 = row.Barrier / row.Measured, x2 = row.Wire / row.Measured, y = (row.Measured - row.Fixed) / row.Measured;
            (a11, a12, a22, b1, b2) = (a11 + (x1 * x1), a12 + (x1 * x2), a22 + (x2 * x2), b1 + (x1 * y), b2 + (x2 * y));
        }

        double determinant = (a11 * a22) - (a12 * a12);
        if (a22 <= 0 || Math.Abs(determinant) < 1e-12 * a11 * a22)
        {
            // No shaped link (loopback): the wire is free and only kappa is fitted.
            return (a11 > 0 ? Math.Max(0, b1 / a11) : 0, 1);
        }

        double kappa = ((b1 * a22) - (b2 * a12)) / determinant;
        double gamma = ((a11 * b2) - (a12 * b1)) / determinant;
        if (gamma < 1)
        {
            gamma = 1;
            kappa = a11 > 0 ? (b1 - (a12 * gamma)) / a11 : 0;
        }

        if (kappa < 0)
        {
            kappa = 0;
            gamma = Math.Max(1, a22 > 0 ? b2 / a22 : 1);
        }

        return (kappa, gamma);
    }

    /// <summary>Busy silo processes while the probes measure a link: the probe grains of silo 0 and silo 1.</summary>
    public const int ProbeProcesses = 2;

    /// <summary>How much the probe's own two busy processes stretched its figures on the machine's cores: max(1, 2 /
    /// cores), 1 on this 2-core machine. The figures are divided by it, so <see cref="LinkCosts"/> holds a process's
    /// costs on a core of its own (under the outside load of the moment, which the probe and the job that follows
    /// it share) and <see cref="ClusterShape.CpuStretch"/> alone says what a set-up's own processes add.</summary>
    public static double ProbeContention(ScalingRecord record) => Math.Max(1, (double)ProbeProcesses / record.MachineCores);

    /// <summary>The run's probe figures, each freed of its probe's contention: round trip and serialization the
    /// medians of the unshaped links, the per-call time the median of every probed link.</summary>
    public static (double RoundTrip, double Message, double Serialization) Probes(ScalingRecord record)
    {
        SavedSetup[] probed = [.. record.Setups.Where(s => s.Link is not null)];
        SavedSetup[] unshaped = [.. probed.Where(s => s.RateBitsPerSecond is null)];
        double message = probed.Length > 0 ? Measurement.Median(probed.Select(s => s.Link!.MessageSeconds / ProbeContention(record))) : 0;
        double serialization = unshaped.Length > 0 ? Measurement.Median(unshaped.Select(s => s.Link!.SecondsPerByte / ProbeContention(record))) : 0;
        double roundTrip = unshaped.Length > 0 ? Measurement.Median(unshaped.Select(s => s.Link!.RoundTripSeconds / ProbeContention(record))) : message;
        return (roundTrip, message, serialization);
    }

    /// <summary>The softmax workload of a set-up: its workers' own compute per row, its worker count's epochs.</summary>
    public static Workload WorkloadOf(ScalingRecord record, SavedSetup setup)
    {
        int batch = Peers.OrleansMLSettings.BatchSize;
        return new Workload("softmax", setup.ComputePerStepSeconds * Math.Min(setup.Silos, record.MachineCores) / batch, 60_000, batch, ScalingBenchmark.ModelBytes, record.EpochsFor(setup.Silos).Epochs);
    }

    public static LinkCosts LinkOf(ScalingRecord record, SavedSetup setup)
    {
        (double roundTrip, double message, double serialization) = Probes(record);
        double contention = ProbeContention(record);
        // A shaped link's bulk transfer took (serialization under the probe's contention) + 1 / bandwidth a byte.
        return new LinkCosts(
            setup.Link is { } link ? link.RoundTripSeconds / contention : roundTrip,
            setup.RateBitsPerSecond is null || setup.Link is null ? double.PositiveInfinity : 1 / Math.Max(setup.Link.SecondsPerByte - (serialization * contention), 1e-12),
            message,
            serialization,
            0);
    }

    /// <summary>One worker and one shard per silo, sharing the machine's cores.</summary>
    public static ClusterShape ShapeOf(ScalingRecord record, SavedSetup setup) => new(setup.Silos, setup.Silos, setup.Silos, record.MachineCores);

    public static string Label(SavedSetup setup) => ScalingRun.LabelOf(setup.Silos, setup.RateBitsPerSecond);

    public static string Percent(double? value) => value is { } x && double.IsFinite(x) ? x.ToString("P1", CultureInfo.InvariantCulture) : "n/a";
}
