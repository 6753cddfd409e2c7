using System.Globalization;

namespace OrleansML.Benchmarks.Scaling;

/// <summary>
/// Turns the measured runs into <see cref="LinkCosts"/> and checks the model against them. Measured parameters:
/// round trip and per-call time (probes), serialization per byte (256 KB probes on unshaped links, where the wire
/// is nearly free), bandwidth of a shaped link (the same probes: per byte on the shaped link less per byte on
/// unshaped ones), cores (two threads against one, just before each run), epochs to the target (one thread; BSP's
/// statistical equivalent). Compute per step is the workers' own clock in the run: on this shared machine (load
/// 20-50 on 2 cores) a one-thread figure taken before a run does not hold during it; the one-thread figure is
/// printed beside it and is what the projections use. Fitted: kappa (per remote peer) and gamma (wire factor), by
/// least squares on relative step-time residuals; the check of each run uses the two fitted on the <em>other</em>
/// runs (leave-one-out), so no run predicts itself.
/// </summary>
internal static class ScalingFit
{
    /// <summary>Prints predicted vs measured per run and returns the largest relative error of time to target;
    /// <paramref name="calibrated"/> is the link of an unshaped run with kappa and gamma fitted on every run.</summary>
    public static double Check(TextWriter output, IReadOnlyList<ScalingRun> runs, LocalFigures softmax, out Dictionary<string, double> errors, out LinkCosts calibrated)
    {
        LinkFigures[] probed = [.. runs.Where(r => r.Link is not null).Select(r => r.Link!)];
        LinkFigures[] unshaped = [.. runs.Where(r => r.Link is not null && r.RateBitsPerSecond is null).Select(r => r.Link!)];
        double message = probed.Length > 0 ? Measurement.Median(probed.Select(l => l.MessageSeconds)) : 0;
        double serialization = unshaped.Length > 0 ? Measurement.Median(unshaped.Select(l => l.SecondsPerByte)) : 0;
        double roundTrip = unshaped.Length > 0 ? Measurement.Median(unshaped.Select(l => l.RoundTripSeconds)) : message;
        double epochs = softmax.Crossing!.Epochs;
        int batch = Peers.OrleansMLSettings.BatchSize;
        Workload WorkloadOf(ScalingRun run) => new("softmax", run.ComputePerStep * Math.Min(run.Silos, run.ParallelCores) / batch, 60_000, batch, ScalingBenchmark.ModelBytes, epochs);
        LinkCosts LinkOf(ScalingRun run) => new(
            run.Link?.RoundTripSeconds ?? roundTrip,
            run.RateBitsPerSecond is null || run.Link is null ? double.PositiveInfinity : 1 / Math.Max(run.Link.SecondsPerByte - serialization, 1e-12),
            message,
            serialization,
            0);
        ClusterShape ShapeOf(ScalingRun run) => new(run.Silos, run.Silos, run.Silos, run.ParallelCores);

        // Each run's step = fixed + kappa x peers + (gamma - 1) x wire, with fixed = the model at kappa 0, gamma 1.
        var rows = runs.Select(r =>
        {
            StepTime bare = StepCostModel.Bsp(WorkloadOf(r), ShapeOf(r), LinkOf(r));
            return (Fixed: bare.Total - bare.Wire, Peers: ShapeOf(r).RemotePeers, bare.Wire, Measured: r.StepSeconds);
        }).ToArray();
        (double kappa, double gamma) = Fit(rows);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"calibration: round trip {roundTrip * 1e6:F0} us, per call {message * 1e6:F1} us, serialization {serialization * 1e9:F2} ns/byte, epochs to target {epochs:F2} (one thread, interpolated); fitted: kappa {kappa * 1e6:F0} us per remote peer, wire factor gamma {gamma:F2}"));
        foreach (ScalingRun run in runs.Where(r => r.RateBitsPerSecond is not null && r.Link is not null))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {run.Label}: tbf rate {run.RateBitsPerSecond / 1e6:F0} Mb/s, measured by the probe {8 * LinkOf(run).BandwidthBytesPerSecond / 1e6:F0} Mb/s"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"compute per row: one thread before each run {Measurement.Median(runs.Select(r => r.SecondsPerRow)) * 1e6:F3} us (median); the workers' own clocks in the runs (x cores / batch) {Measurement.Median(runs.Select(r => WorkloadOf(r).ComputeSecondsPerRow)) * 1e6:F3} us"));
        output.WriteLine("set-up            cores  step meas.  pred. (compute messages  wire serialize kappa) us  step error   to target: meas.  pred.  error  (whole epochs: meas. at epoch, error)");
        errors = new Dictionary<string, double>(StringComparer.Ordinal);
        double maxError = 0;
        for (int i = 0; i < runs.Count; i++)
        {
            ScalingRun run = runs[i];
            (double k, double g) = runs.Count > 2 ? Fit([.. rows.Where((_, j) => j != i)]) : (kappa, gamma);
            Workload workload = WorkloadOf(run);
            StepTime step = StepCostModel.Bsp(workload, ShapeOf(run), LinkOf(run) with { StepOverheadSeconds = k, WireFactor = g });
            double predicted = step.Total * workload.StepsPerEpoch * workload.EpochsToTarget;
            double? error = run.Crossing is { } measured ? Math.Abs(predicted - measured.Seconds) / measured.Seconds : null;
            double? wholeEpochs = run.Crossing is { } c ? Math.Abs((step.Total * workload.StepsPerEpoch * softmax.Crossing.Epoch) - c.EpochSeconds) / c.EpochSeconds : null;
            errors[run.Label] = error ?? double.NaN;
            maxError = error is { } e ? Math.Max(maxError, e) : double.NaN;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{run.Label,-17} {run.ParallelCores,5:F2}  {run.StepSeconds * 1e3,7:F3} ms {step.Total * 1e3,7:F3} ms ({step.Compute * 1e6,5:F0} {step.Messages * 1e6,6:F0} {step.Wire * 1e6,6:F0} {step.Serialization * 1e6,6:F0} {step.Overhead * 1e6,6:F0})  {Percent(Math.Abs(step.Total - run.StepSeconds) / run.StepSeconds),6}   " +
                $"{run.Crossing?.Seconds.ToString("F2", CultureInfo.InvariantCulture) ?? "never",7} s  {predicted,5:F2} s  {Percent(error),6}  ({run.Crossing?.EpochSeconds.ToString("F2", CultureInfo.InvariantCulture) ?? "never"} s at {run.Crossing?.Epoch.ToString(CultureInfo.InvariantCulture) ?? "-"} vs {softmax.Crossing.Epoch}, {Percent(wholeEpochs)})"));
        }

        calibrated = new LinkCosts(roundTrip, double.PositiveInfinity, message, serialization, kappa, gamma);
        return maxError;
    }

    /// <summary>kappa and gamma minimising the squared relative residuals of measured = fixed + kappa x peers +
    /// gamma x wire (two normal equations), each at least 0 (gamma at least 1: a link is never faster than its rate).</summary>
    private static (double Kappa, double Gamma) Fit(IReadOnlyList<(double Fixed, double Peers, double Wire, double Measured)> rows)
    {
        double a11 = 0, a12 = 0, a22 = 0, b1 = 0, b2 = 0;
        foreach ((double fixedPart, double peers, double wire, double measured) in rows)
        {
            double x1 = peers / measured, x2 = wire / measured, y = (measured - fixedPart) / measured;
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
            kappa = (b1 - (a12 * gamma)) / a11;
        }

        return (Math.Max(0, kappa), gamma);
    }

    private static string Percent(double? value) => value is { } x ? x.ToString("P1", CultureInfo.InvariantCulture) : "n/a";
}
