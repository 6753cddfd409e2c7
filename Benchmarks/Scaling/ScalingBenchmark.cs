using System.Globalization;
using OrleansML.Benchmarks.Clusters;
using OrleansML.Benchmarks.Peers;
using OrleansML.Jobs;
using OrleansML.Learning.Data.Partitioning;
using OrleansML.Learning.Data.Readers;

namespace OrleansML.Benchmarks.Scaling;

/// <summary>
/// Calibrates <see cref="StepCostModel"/> on this machine and checks it: softmax on Fashion-MNIST at the demo's
/// settings (batch 128, Adam 0.002 cosine, 10 epochs, BSP, one worker and one shard per silo) on 1, 2 and 3
/// <c>OrleansML.Silo</c> processes, each in its own network namespace (root) with links unshaped and shaped by
/// <c>tc tbf</c>; the transport probes measure each link; one thread measures compute per row, the cores free right
/// now, and the epochs to the target; <see cref="BspReplay"/> measures the epochs of each worker count's row order.
/// The measurements are saved as JSON (<see cref="ScalingRecord"/>, <c>--save</c>; <c>--refit</c> reads them back).
/// The model then predicts each set-up's time to the target (its two fitted constants, kappa and gamma, fitted on
/// the other set-ups) and prints predicted vs measured. Then it projects 8, 32 and 128 hosts at 10 Gb/s
/// (<see cref="ScalingProjection"/>). Last line:
/// <c>scaling max_error=&lt;x&gt; silos1_err=.. silos2_err=.. silos3_err=.. &lt;shaped set-ups&gt;_err=.. lab=netns|loopback</c>.
/// </summary>
internal static class ScalingBenchmark
{
    /// <summary>The softmax model's parameters in bytes: 784 x 10 weights and 10 biases, float32.</summary>
    public const int ModelBytes = 7_850 * sizeof(float);

    /// <summary>Training seconds of steady calls a set-up's silos run untimed before the timed rounds: tiered JIT
    /// promotes a hot method only after it keeps being called past a quiet delay, so one epoch (0.06-0.15 s on one
    /// silo once warm) leaves round 1 compiling while it is timed (0.65 s to target against round 2's 0.26 s).</summary>
    private const double WarmUpSeconds = 0.5;

    /// <summary>Bounds the warm-up where one-epoch jobs are so short that job start-up, not training, would fill it.</summary>
    private const int MaxWarmUpJobs = 20;

    public static async Task<int> RunAsync(TextWriter output, ScalingSettings settings)
    {
        if (settings.SelfCheck)
        {
            return ScalingSelfCheck.Run(output);
        }

        if (settings.RefitPaths.Count > 0)
        {
            return ScalingRefit.Run(output, settings.RefitPaths);
        }

        if (await FashionMnistSource.FindAsync(output) is not { } source)
        {
            return 2;
        }

        bool namespaces = !settings.Loopback && NetworkLab.Available;
        if (!namespaces)
        {
            await output.WriteLineAsync(settings.Loopback
                ? "--loopback: every silo on loopback, no shaped links."
                : "Not root: network namespaces and tc need root (CAP_NET_ADMIN), so every silo runs on loopback and no link is shaped; bandwidth is then loopback's. Run as root for the calibrated figures.");
        }

        DateTime started = DateTime.UtcNow;
        using var work = new WorkDirectory("scaling");
        FashionMnistData data = FashionMnist.Load(source);
        PartitionedDataset.Write(work.Path, "train", data.Train, 6);
        PartitionedDataset.Write(work.Path, "test", data.Test, 2);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"scaling: softmax 784x10 on Fashion-MNIST, demo settings, target {settings.Target:F3}, {settings.Rounds} round(s){(settings.Quick ? ", quick" : "")}; {Environment.ProcessorCount} cores, load average {Measurement.LoadAverage()}"));

        LocalFigures softmax = LocalCalibration.Measure(PeerTask.Softmax, data.Train, data.Test, settings.Target);
        LocalFigures mlp = LocalCalibration.Measure(PeerTask.Mlp, data.Train, data.Test, 0.870);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"one thread: softmax {softmax.SecondsPerRow * 1e6:F3} us/row, reaches {settings.Target:F3} at epoch {Describe(softmax.Crossing)}; MLP 784-128-10 {mlp.SecondsPerRow * 1e6:F3} us/row, reaches 0.870 at epoch {Describe(mlp.Crossing)}"));
        if (softmax.Crossing is null)
        {
            await output.WriteLineAsync($"LocalTrainer never reached {settings.Target:F3}: no time to target to predict.");
            return 1;
        }

        List<SavedCrossing> replayed = await ReplayAsync(output, work, data.Test, settings.Target);
        if (settings.ReplayOnly)
        {
            return replayed.Count == 3 ? 0 : 1;
        }

        var runs = await MeasureAsync(output, settings, namespaces, work, data.Train);
        var record = new ScalingRecord(
            ScalingRecord.CurrentFormat,
            string.Create(CultureInfo.InvariantCulture, $"scaling run started {started:yyyy-MM-ddTHH:mm:ssZ}, {settings.Rounds} round(s){(settings.Quick ? ", quick" : "")}, lab={(namespaces ? "netns" : "loopback")}, {Environment.ProcessorCount} cores, load average at the end {Measurement.LoadAverage()}"),
            settings.Target,
            Environment.ProcessorCount,
            new SavedCrossing(1, softmax.Crossing.Epochs, softmax.Crossing.Epoch, softmax.SecondsPerRow),
            replayed,
            [.. runs.Select(SavedSetup.From)]);
        string savePath = settings.SavePath ?? ScalingSettings.DefaultSavePath(started);
        record.Save(savePath);
        await output.WriteLineAsync($"measurements saved to {Path.GetFullPath(savePath)} (refit: scaling --refit PATH...)");
        double maxError = ScalingFit.Check(output, record, out Dictionary<string, double> errors, out LinkCosts calibrated);
        ScalingProjection.Print(output, calibrated, softmax, mlp);
        string figures = string.Join(' ', errors.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Key}_err={e.Value:F3}")));
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"scaling max_error={maxError:F3} {figures} kappa_us={calibrated.StepOverheadSeconds * 1e6:F0} gamma={calibrated.WireFactor:F2} lab={(namespaces ? "netns" : "loopback")}"));
        return 0;
    }

    /// <summary>The epochs to the target of the row orders of 1, 2 and 3 BSP workers (<see cref="BspReplay"/>).</summary>
    private static async Task<List<SavedCrossing>> ReplayAsync(TextWriter output, WorkDirectory work, Learning.Data.DenseDataset test, double target)
    {
        var replayed = new List<SavedCrossing>();
        for (int workers = 1; workers <= 3; workers++)
        {
            SavedCrossing? crossing = BspReplay.EpochsToTarget(work.Path, "train", test, workers, seed: 7, target);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"row order of {workers} BSP worker(s), replayed on one thread: reaches {target:F3} at epoch {crossing?.Epoch.ToString(CultureInfo.InvariantCulture) ?? "never"} ({crossing?.Epochs.ToString("F2", CultureInfo.InvariantCulture) ?? "-"} interpolated)"));
            if (crossing is not null)
            {
                replayed.Add(crossing);
            }
        }

        return replayed;
    }

    /// <summary>Runs every set-up for every round (set-ups alternate within a round) and returns each set-up's medians.</summary>
    private static async Task<List<ScalingRun>> MeasureAsync(TextWriter output, ScalingSettings settings, bool namespaces, WorkDirectory work, Learning.Data.DenseDataset train)
    {
        using NetworkLab? lab = namespaces ? NetworkLab.Create(3) : null;
        var clusters = new List<BenchmarkCluster>();
        try
        {
            for (int silos = 1; silos <= 3; silos++)
            {
                clusters.Add(await BenchmarkCluster.StartAsync($"scaling-{silos}-{Environment.ProcessId}", silos, lab, portOffset: silos, responseTimeout: TimeSpan.FromMinutes(5)));
            }

            (int Silos, long? Rate)[] setups = !namespaces ? [(1, null), (2, null), (3, null)]
                : settings.Quick ? [(1, null), (2, null), (3, null), (2, 200_000_000)]
                : [(1, null), (2, null), (3, null), (2, 1_000_000_000), (2, 200_000_000), (3, 200_000_000)];
            TrainingSpec spec = OrleansMLSettings.Spec(PeerTask.Softmax, work.Manifest("train"), work.Manifest("test"), train.RowCount) with { Mode = ConsistencyMode.Bsp };
            // An untimed pass over every set-up, in the rounds' order: a warm-up right before each set-up's first
            // timed job still left round 1 up to 5.6x slower than round 2 (1 silo), so round 1 starts as round 2 does,
            // after every cluster and link has carried a job.
            foreach ((int silos, long? rate) in setups)
            {
                lab?.Shape(rate);
                (int jobs, double seconds) = await WarmUpAsync(clusters[silos - 1], spec);
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"warm-up {ScalingRun.LabelOf(silos, rate),-16} {jobs} one-epoch jobs, {seconds:F2} s of training after the first"));
            }

            var rounds = setups.ToDictionary(s => s, _ => new List<ScalingRun>());
            for (int round = 1; round <= settings.Rounds; round++)
            {
                foreach ((int silos, long? rate) in setups)
                {
                    lab?.Shape(rate);
                    BenchmarkCluster cluster = clusters[silos - 1];
                    (double cores, double perRow) = LocalCalibration.CpuNow(train);
                    LinkFigures? link = null;
                    if (silos > 1)
                    {
                        SiloAddress[] addresses = await cluster.ActiveSilosAsync(TimeSpan.FromSeconds(30));
                        link = await LinkProbe.MeasureAsync(cluster.Client, addresses[0], addresses[1], settings.Quick);
                    }

                    JobStatus status = await RunJobAsync(cluster, spec);
                    ScalingRun run = Run(silos, rate, cores, perRow, link, status, spec, settings.Target);
                    rounds[(silos, rate)].Add(run);
                    string probe = link is null ? "" : string.Create(CultureInfo.InvariantCulture,
                        $"  probe rtt {link.RoundTripSeconds * 1e6:F0} us, per call {link.MessageSeconds * 1e6:F1} us, {1e9 * link.SecondsPerByte:F2} ns/byte at {LinkProbe.BulkBytes} B");
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"round {round} {run.Label,-16} cores {cores:F2}  step {run.StepSeconds * 1e3:F3} ms (compute {run.ComputePerStep * 1e3:F3})  to target at epoch {Describe(run.Crossing)}  final accuracy {run.FinalAccuracy:F4}{probe}"));
                }
            }

            lab?.Shape(null);
            return [.. setups.Select(s => ScalingRun.Median(rounds[s]))];
        }
        finally
        {
            foreach (BenchmarkCluster cluster in clusters)
            {
                await cluster.DisposeAsync();
            }
        }
    }

    /// <summary>Runs one-epoch jobs back to back on <paramref name="cluster"/>'s silos, on the set-up's links: the
    /// first pays the one-off costs (grain activation, data load, first JIT; seconds on a fresh silo) and is not
    /// counted, the rest run until their training time reaches <see cref="WarmUpSeconds"/>, so the hot paths are
    /// compiled at full tier and the links' TCP state is warm for the timed job. Returns the jobs run and the
    /// training seconds of the counted ones.</summary>
    private static async Task<(int Jobs, double Seconds)> WarmUpAsync(BenchmarkCluster cluster, TrainingSpec spec)
    {
        await RunJobAsync(cluster, spec with { Epochs = 1 });
        int jobs = 1;
        double seconds = 0;
        while (seconds < WarmUpSeconds && jobs < MaxWarmUpJobs)
        {
            JobStatus status = await RunJobAsync(cluster, spec with { Epochs = 1 });
            seconds += status.History.Sum(e => e.Seconds);
            jobs++;
        }

        return (jobs, seconds);
    }

    /// <summary>One worker and one shard per silo.</summary>
    private static Task<JobStatus> RunJobAsync(BenchmarkCluster cluster, TrainingSpec spec) =>
        cluster.RunJobAsync(spec with { Workers = cluster.Silos, Shards = cluster.Silos });

    private static ScalingRun Run(int silos, long? rate, double cores, double perRow, LinkFigures? link, JobStatus status, TrainingSpec spec, double target)
    {
        double stepsPerEpoch = Math.Ceiling(status.History.Max(e => (double)e.Examples) / spec.BatchSize);
        double step = status.History.Sum(e => e.Seconds) / (status.History.Count * stepsPerEpoch);
        double compute = status.History.Sum(e => e.ComputeSeconds) / (status.History.Count * stepsPerEpoch);
        TargetCrossing? crossing = TargetCrossing.Find([.. status.History.Select(e => (e.Seconds, e.TestAccuracy ?? 0))], target);
        return new ScalingRun(silos, rate, cores, perRow, compute, link, step, crossing, status.History[^1].TestAccuracy ?? double.NaN);
    }

    /// <summary>"5 (4.62 interpolated, 0.58 s to it)", or "never".</summary>
    public static string Describe(TargetCrossing? crossing) => crossing is null ? "never" : string.Create(CultureInfo.InvariantCulture,
        $"{crossing.Epoch} ({crossing.Epochs:F2} interpolated, {crossing.Seconds:F2} s; {crossing.EpochSeconds:F2} s to the epoch's end)");
}
