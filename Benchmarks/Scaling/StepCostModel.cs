namespace OrleansML.Benchmarks.Scaling;

internal enum ScalingMode
{
    Bsp,
    Asp,
    Ssp,
    Averaging,
    Lbfgs,
}

/// <summary>
/// Settings of the modes, and the statistical assumptions the model cannot measure on one machine: how many more
/// epochs staleness and local steps cost. They are inputs, printed with every projection (docs/scaling.md).
/// </summary>
/// <param name="AveragingInterval">Model averaging: local steps between averages (H).</param>
/// <param name="Staleness">SSP: the bound s on how far a worker may run ahead.</param>
/// <param name="StalenessPenaltyPerStep">ASP/SSP: extra epochs per step of mean staleness (epochs x (1 + p x tau)).</param>
/// <param name="AveragingPenalty">Averaging: extra epochs as (1 + p x (H - 1) x (W - 1) / W).</param>
/// <param name="LbfgsIterations">L-BFGS: iterations to the target.</param>
/// <param name="LbfgsEvaluationsPerIteration">L-BFGS: full passes per iteration (the line search's extra evaluations).</param>
internal sealed record ModeSettings(
    int AveragingInterval = 8,
    int Staleness = 2,
    double StalenessPenaltyPerStep = 0.05,
    double AveragingPenalty = 0.05,
    int LbfgsIterations = 100,
    double LbfgsEvaluationsPerIteration = 1.1);

/// <summary>The parts of one step's (BSP, ASP, SSP: one global batch; averaging: one local step; L-BFGS: one
/// iteration) predicted time, in seconds.</summary>
internal sealed record StepTime(double Compute, double Messages, double Wire, double Serialization, double Overhead)
{
    public double Total => Compute + Messages + Wire + Serialization + Overhead;

    public StepTime Times(double factor) => new(Compute * factor, Messages * factor, Wire * factor, Serialization * factor, Overhead * factor);
}

/// <summary>A predicted time to target: <see cref="Steps"/> steps of <see cref="Step"/> each.</summary>
internal sealed record ScalingPrediction(ScalingMode Mode, StepTime Step, double Steps)
{
    public double Seconds => Steps * Step.Total;
}

/// <summary>
/// Step time of a parameter-server job as a function of the workload, the cluster's shape and the link. One
/// exchange (every worker pushes to and pulls from every shard, one combined call per shard) costs
/// <code>
///   messages  = s x ((RTT if any shard is remote, else o) + o x (max(W, S) - 1))
///   bytes     = (push + pull bytes of one worker) x max(1, W / S)        the busiest endpoint: a worker, or a shard's fan-in
///   wire      = gamma x f x bytes / bandwidth                             f = (H - 1) / H, the remote fraction
///   serialize = s x sigma x f x bytes                                     calls within a silo are not serialized
/// </code>
/// and a step adds compute = rows x c / min(W, cores) (the workers share the cores: 3 silos on 2 cores compute at
/// 2/3 speed each) and the barrier's wait for the slowest host, s x kappa x (1/2 + 1/3 + ... + 1/H): the expected
/// maximum of H independent exponential delays of mean kappa, less the mean one host pays anyway. s = max(1, H /
/// cores) is CPU contention: <see cref="LinkCosts"/> are a process's costs on a core of its own, and when H busy
/// silos outnumber the cores they share every CPU-bound part of a step runs at cores / H speed. kappa and
/// gamma are fitted; the rest is measured. BSP is compute plus one exchange and the barrier per global batch;
/// ASP/SSP overlap the exchange with other workers' compute (no barrier, but the shard is a single server: a round
/// costs max(worker's step, shard's service of W calls)); averaging runs H local steps per exchange; L-BFGS runs
/// full passes and exchanges the full gradient. See docs/scaling.md.
/// </summary>
internal static class StepCostModel
{
    public static ScalingPrediction Predict(ScalingMode mode, Workload workload, ClusterShape cluster, LinkCosts link, ModeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(settings);
        double steps = workload.EpochsToTarget * workload.StepsPerEpoch;
        return mode switch
        {
            ScalingMode.Bsp => new ScalingPrediction(mode, Bsp(workload, cluster, link), steps),
            ScalingMode.Asp => new ScalingPrediction(mode, Asynchronous(workload, cluster, link), steps * StalenessFactor(cluster.Workers - 1, settings)),
            ScalingMode.Ssp => new ScalingPrediction(mode, Ssp(workload, cluster, link, settings), steps * StalenessFactor(Math.Min(settings.Staleness, cluster.Workers - 1), settings)),
            ScalingMode.Averaging => new ScalingPrediction(mode, Averaging(workload, cluster, link, settings), steps * AveragingFactor(cluster, settings)),
            ScalingMode.Lbfgs => new ScalingPrediction(mode, Lbfgs(workload, cluster, link, settings), settings.LbfgsIterations),
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown mode."),
        };
    }

    /// <summary>One BSP step: every worker computes its share of the global batch, then one exchange and the barrier.</summary>
    public static StepTime Bsp(Workload workload, ClusterShape cluster, LinkCosts link)
    {
        double rowsPerWorker = (double)workload.GlobalBatch / cluster.Workers;
        StepTime exchange = Exchange(workload, cluster, link, rowsPerWorker);
        return exchange with { Compute = Compute(workload.GlobalBatch, workload, cluster), Overhead = Overhead(cluster, link) };
    }

    /// <summary>The messages, wire and serialization of one exchange of <paramref name="rowsPerWorker"/>-row batches
    /// (compute and overhead zero).</summary>
    public static StepTime Exchange(Workload workload, ClusterShape cluster, LinkCosts link, double rowsPerWorker)
    {
        double fanIn = Math.Max(1.0, (double)cluster.Workers / cluster.Shards);
        double bytes = (workload.PushBytes(rowsPerWorker) + workload.PullBytes(rowsPerWorker)) * fanIn;
        double first = cluster.RemoteFraction > 0 ? link.RoundTripSeconds : link.MessageSeconds;
        double messages = cluster.CpuStretch * (first + (link.MessageSeconds * (Math.Max(cluster.Workers, cluster.Shards) - 1)));
        double wire = link.WireFactor * cluster.RemoteFraction * bytes / link.BandwidthBytesPerSecond;
        double serialization = cluster.CpuStretch * link.SerializationSecondsPerByte * cluster.RemoteFraction * bytes;
        return new StepTime(0, messages, wire, serialization, 0);
    }

    /// <summary>ASP: a round (every worker one step of B / W rows) is bounded by a worker's own step or by the
    /// shard serving W calls, whichever is longer; nobody waits at a barrier, so no overhead term.</summary>
    public static StepTime Asynchronous(Workload workload, ClusterShape cluster, LinkCosts link)
    {
        double rowsPerWorker = (double)workload.GlobalBatch / cluster.Workers;
        StepTime worker = Exchange(workload, cluster with { Workers = 1 }, link, rowsPerWorker) with { Compute = Compute(workload.GlobalBatch, workload, cluster) };
        double shardBytes = (workload.PushBytes(rowsPerWorker) + workload.PullBytes(rowsPerWorker)) * cluster.Workers / cluster.Shards;
        double shardService = (cluster.CpuStretch * ((link.MessageSeconds * cluster.Workers) + (link.SerializationSecondsPerByte * cluster.RemoteFraction * shardBytes)))
            + (link.WireFactor * cluster.RemoteFraction * shardBytes / link.BandwidthBytesPerSecond);
        return worker.Total >= shardService ? worker : new StepTime(worker.Compute, shardService - worker.Compute, 0, 0, 0);
    }

    /// <summary>SSP: as ASP, plus a barrier every s + 1 steps (a worker that gets s steps ahead waits).</summary>
    public static StepTime Ssp(Workload workload, ClusterShape cluster, LinkCosts link, ModeSettings settings)
    {
        StepTime asynchronous = Asynchronous(workload, cluster, link);
        return asynchronous with { Overhead = Overhead(cluster, link) / (settings.Staleness + 1) };
    }

    /// <summary>Model averaging: per local step, the compute of B / W rows, plus one exchange (of the whole model's
    /// change) and a barrier every H steps.</summary>
    public static StepTime Averaging(Workload workload, ClusterShape cluster, LinkCosts link, ModeSettings settings)
    {
        int interval = Math.Max(1, settings.AveragingInterval);
        double rowsPerWorker = (double)workload.GlobalBatch / cluster.Workers;
        // A sparse model's change after H local steps touches the keys of H batches, capped by the model.
        Workload moved = workload.SparseKeys is null ? workload : workload with { SparseKeys = rows => workload.SparseKeys(rows * interval) };
        StepTime exchange = Exchange(moved, cluster, link, rowsPerWorker) with { Overhead = Overhead(cluster, link) };
        return exchange.Times(1.0 / interval) with { Compute = Compute(workload.GlobalBatch, workload, cluster) };
    }

    /// <summary>L-BFGS: one iteration is full passes over the data (the line search's evaluations), each followed by
    /// an all-reduce of the full dense gradient through the shards.</summary>
    public static StepTime Lbfgs(Workload workload, ClusterShape cluster, LinkCosts link, ModeSettings settings)
    {
        StepTime exchange = Exchange(workload with { SparseKeys = null }, cluster, link, (double)workload.TrainRows / cluster.Workers);
        return (exchange with { Compute = Compute(workload.TrainRows, workload, cluster), Overhead = Overhead(cluster, link) }).Times(settings.LbfgsEvaluationsPerIteration);
    }

    /// <summary>Compute of <paramref name="rows"/> rows spread over the workers, on the cores they share.</summary>
    public static double Compute(double rows, Workload workload, ClusterShape cluster) =>
        rows * workload.ComputeSecondsPerRow / Math.Min(cluster.Workers, cluster.ParallelCores);

    /// <summary>A synchronised step's wait for the slowest of its hosts: kappa x (H_n - 1) for the n hosts that hold
    /// its workers and shards (H_n the n-th harmonic number; none on one host), stretched by CPU contention.</summary>
    public static double Overhead(ClusterShape cluster, LinkCosts link) => link.StepOverheadSeconds * cluster.CpuStretch * cluster.SlowestOfHosts;

    private static double StalenessFactor(double meanStaleness, ModeSettings settings) => 1 + (settings.StalenessPenaltyPerStep * Math.Max(0, meanStaleness));

    private static double AveragingFactor(ClusterShape cluster, ModeSettings settings) =>
        1 + (settings.AveragingPenalty * (Math.Max(1, settings.AveragingInterval) - 1) * (cluster.Workers - 1.0) / cluster.Workers);
}
