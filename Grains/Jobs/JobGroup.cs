using System.Diagnostics;
using OrleansML.GrainInterfaces;
using OrleansML.Jobs;

namespace OrleansML.Grains.Jobs;

/// <summary>The shards and workers of one job as the coordinator addresses them: assignments, and the
/// operations that must reach every shard (configure, begin, checkpoint, restore, abort, read).</summary>
internal sealed class JobGroup
{
    private readonly IGrainFactory _grains;
    private readonly string _jobId;
    private readonly TrainingSpec _spec;

    public JobGroup(IGrainFactory grains, string jobId, TrainingSpec spec, int parameterCount, int workerGeneration)
    {
        Debug.Assert(workerGeneration >= 0, "generations count from 0");
        _grains = grains;
        _jobId = jobId;
        _spec = spec;
        WorkerGeneration = workerGeneration;
        Layout = new ShardLayout(parameterCount, spec.Shards);
        Shards = [.. Enumerable.Range(0, spec.Shards).Select(i => grains.GetGrain<IParameterShardGrain>(ShardLayout.ShardKey(jobId, i)))];
    }

    public ShardLayout Layout { get; }

    public IParameterShardGrain[] Shards { get; }

    /// <summary>The workers' placement generation (see <see cref="JobRecord.WorkerGeneration"/>).</summary>
    public int WorkerGeneration { get; set; }

    /// <summary>Worker <paramref name="index"/> of the current generation. Workers keep no state (every call
    /// carries the assignment, whose job id names the shards), so a new generation only changes where they run.</summary>
    public IPartitionWorkerGrain Worker(int index) => _grains.GetGrain<IPartitionWorkerGrain>(
        ShardLayout.WorkerKey(WorkerGeneration == 0 ? _jobId : $"{_jobId}.g{WorkerGeneration}", index));

    public WorkerAssignment WorkerAssignment(int index, int workers, int stepsPerEpoch, TimeSpan runSlice) => new()
    {
        JobId = _jobId,
        WorkerIndex = index,
        WorkerCount = workers,
        TrainManifest = _spec.Data.TrainManifest,
        TestManifest = _spec.Data.TestManifest,
        Model = _spec.Model,
        ShardCount = _spec.Shards,
        Mode = _spec.Mode,
        Compression = _spec.Compression,
        StepsPerEpoch = stepsPerEpoch,
        PullEvery = _spec.PullEvery,
        AveragingInterval = _spec.AveragingInterval,
        Seed = _spec.Seed,
        LocalOptimizer = _spec.Optimizer,
        RunSlice = runSlice,
    };

    public Task ConfigureShardsAsync(int workers) => Task.WhenAll(Shards.Select((shard, i) => shard.ConfigureAsync(new ShardAssignment
    {
        JobId = _jobId,
        ShardIndex = i,
        ShardCount = _spec.Shards,
        Model = _spec.Model,
        Optimizer = _spec.Optimizer,
        Mode = _spec.Mode,
        WorkerCount = workers,
        BackupWorkers = Math.Min(_spec.BackupWorkers, workers - 1),
        Staleness = _spec.Staleness,
        Seed = _spec.Seed,
        CheckpointEverySteps = _spec.CheckpointEverySteps,
    })));

    public Task BeginAsync(long attempt) => Task.WhenAll(Shards.Select(s => s.BeginAsync(attempt)));

    public Task CheckpointAsync(long checkpointId) => Task.WhenAll(Shards.Select(s => s.CheckpointAsync(checkpointId)));

    public async Task RestoreAsync(long checkpointId)
    {
        long[] versions = await Task.WhenAll(Shards.Select(s => s.RestoreAsync(checkpointId)));
        if (_spec.Mode == ConsistencyMode.Bsp && versions.Distinct().Count() != 1)
        {
            throw new InvalidOperationException($"Shards restored checkpoint {checkpointId} at different versions ({string.Join(", ", versions)}): the model would be inconsistent.");
        }
    }

    /// <summary>The newest checkpoint id every shard holds that is at least <paramref name="atLeast"/>: under
    /// BSP, shards checkpoint at the same versions, so all of them can roll back to one consistent model.</summary>
    public async Task<long> CommonCheckpointAsync(long atLeast)
    {
        ShardStats[] stats = await Task.WhenAll(Shards.Select(s => s.GetStatsAsync()));
        IEnumerable<long> common = stats[0].Checkpoints;
        foreach (ShardStats shard in stats.Skip(1))
        {
            common = common.Intersect(shard.Checkpoints);
        }

        long[] usable = [.. common.Where(id => id >= atLeast)];
        if (usable.Length == 0)
        {
            throw new InvalidOperationException(
                $"No checkpoint at or after step {atLeast} is held by every shard ({string.Join("; ", stats.Select(s => $"shard {s.ShardIndex}: [{string.Join(", ", s.Checkpoints)}]"))}).");
        }

        return usable.Max();
    }

    /// <summary>Fails the shards' pending pulls, best effort: a shard that cannot be reached has no pulls to fail.</summary>
    public async Task AbortAsync(string reason)
    {
        foreach (IParameterShardGrain shard in Shards)
        {
            try
            {
                await shard.AbortAsync(reason);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The shard's silo may be the one that failed; the restore that follows reactivates it.
            }
        }
    }

    public async Task<float[]> ReadModelAsync()
    {
        float[][] slices = await Task.WhenAll(Shards.Select(s => s.ReadParametersAsync()));
        var parameters = new float[Layout.ParameterCount];
        for (int i = 0; i < slices.Length; i++)
        {
            if (slices[i].Length != Layout.Length(i))
            {
                throw new InvalidOperationException($"Shard {i} holds {slices[i].Length} parameters, not {Layout.Length(i)}.");
            }

            slices[i].CopyTo(parameters, Layout.Start(i));
        }

        return parameters;
    }

    public Task WriteModelAsync(float[] parameters, long version) =>
        Task.WhenAll(Shards.Select((s, i) => s.WriteParametersAsync(parameters.AsSpan(Layout.Start(i), Layout.Length(i)).ToArray(), version)));

    public async Task<(long Late, long Duplicates)> PushCountersAsync()
    {
        ShardStats[] stats = await Task.WhenAll(Shards.Select(s => s.GetStatsAsync()));
        return (stats.Sum(s => s.LatePushes), stats.Sum(s => s.DuplicatePushes));
    }
}
