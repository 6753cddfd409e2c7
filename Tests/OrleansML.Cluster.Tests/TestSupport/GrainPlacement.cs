using Orleans.Runtime.Placement;
using OrleansML.Workers;

namespace OrleansML.Cluster.Tests.TestSupport;

/// <summary>Where a process cluster's grains live: placing a job's grains on chosen silo processes before it
/// starts, finding the silo of a grain, and finding grains active on two silos at once.</summary>
internal static class GrainPlacement
{
    /// <summary>
    /// Activates the job's coordinator, shards and workers (generation 0, index order) on the given silos before the
    /// job starts, with first calls that change nothing: the coordinator reads its (absent) spec, a shard its
    /// counters, a worker loads its share of the data. Each call carries Orleans' placement hint, which OrleansML's
    /// spread placement and the default placement honour for a new activation; the hint flows down a call chain, so
    /// each first call calls no other grain. Grains keep their silo until it dies. Returns false if a grain was
    /// placed elsewhere (a silo's membership view did not list the target yet): the caller retries with a new job id.
    /// </summary>
    public static async Task<bool> TryPinAsync(ProcessCluster cluster, TrainingSpec spec, SiloProcess coordinator, SiloProcess[] shards, SiloProcess[] workers)
    {
        IGrainFactory grains = cluster.Client;
        string jobId = spec.JobId!;
        ITrainingJobGrain job = grains.GetGrain<ITrainingJobGrain>(jobId);
        if (!await ActivateOnAsync(cluster, job, coordinator, job.GetSpecAsync))
        {
            return false;
        }

        for (int i = 0; i < shards.Length; i++)
        {
            IParameterShardGrain shard = grains.GetGrain<IParameterShardGrain>(ShardLayout.ShardKey(jobId, i));
            if (!await ActivateOnAsync(cluster, shard, shards[i], shard.GetStatsAsync))
            {
                return false;
            }
        }

        for (int i = 0; i < workers.Length; i++)
        {
            IPartitionWorkerGrain worker = grains.GetGrain<IPartitionWorkerGrain>(ShardLayout.WorkerKey(jobId, i));
            WorkerAssignment assignment = JobWatch.PinningAssignment(spec, i, workers.Length);
            if (!await ActivateOnAsync(cluster, worker, workers[i], () => worker.LoadAsync(assignment)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Pins a job with <see cref="TryPinAsync"/>, under a fresh job id for each try; returns the spec pinned.</summary>
    public static async Task<TrainingSpec> PinAsync(ProcessCluster cluster, TrainingSpec spec, SiloProcess coordinator, SiloProcess[] shards, SiloProcess[] workers)
    {
        for (int attempt = 1; attempt <= 5; attempt++)
        {
            if (await TryPinAsync(cluster, spec, coordinator, shards, workers))
            {
                return spec;
            }

            await Task.Delay(1000);
            spec = spec with { JobId = JobRuns.NewJobId(spec.JobId![..spec.JobId!.LastIndexOf('-')]) };
        }

        throw new InvalidOperationException($"could not place job {spec.JobId}'s grains on the chosen silos in 5 tries:{Environment.NewLine}{cluster.DescribeSilos()}");
    }

    /// <summary>The silo where the directory says <paramref name="grain"/> is active, or null; activates nothing.</summary>
    public static async Task<SiloAddress?> HostOfAsync(ProcessCluster cluster, IAddressable grain) =>
        await cluster.Management.GetActivationAddress(grain);

    /// <summary>How many silos hold an activation of <paramref name="grain"/>, asked of each silo's own activations
    /// (not of the directory or its caches, which may still name an activation that has just gone).</summary>
    public static Task<int> ActivationCountAsync(ProcessCluster cluster, IAddressable grain) =>
        cluster.Management.GetGrainActivationCount((GrainReference)grain);

    /// <summary>
    /// OrleansML grains that are active on more than one silo right now, each as "grain id: silo, silo", from the
    /// activations every active silo reports (Orleans' own system and stateless-worker grains are left out).
    /// </summary>
    public static async Task<IReadOnlyList<string>> DuplicateActivationsAsync(ProcessCluster cluster)
    {
        DetailedGrainStatistic[] activations = await cluster.Management.GetDetailedGrainStatistics();
        return
        [
            .. activations
                .Where(a => a.GrainType.StartsWith("OrleansML.", StringComparison.Ordinal))
                .GroupBy(a => a.GrainId)
                .Where(g => g.Select(a => a.SiloAddress).Distinct().Count() > 1)
                .Select(g => $"{g.Key}: {string.Join(", ", g.Select(a => a.SiloAddress))}"),
        ];
    }

    /// <summary>How many activations of OrleansML grains the cluster reports (to show the duplicate check saw some).</summary>
    public static async Task<int> OrleansMLActivationCountAsync(ProcessCluster cluster) =>
        (await cluster.Management.GetDetailedGrainStatistics()).Count(a => a.GrainType.StartsWith("OrleansML.", StringComparison.Ordinal));

    private static async Task<bool> ActivateOnAsync(ProcessCluster cluster, IAddressable grain, SiloProcess silo, Func<Task> firstCall)
    {
        SiloAddress target = await cluster.AddressOfAsync(silo);
        RequestContext.Set(IPlacementDirector.PlacementHintKey, target);
        try
        {
            await firstCall();
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }

        return Equals(await HostOfAsync(cluster, grain), target);
    }
}
