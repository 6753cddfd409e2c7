using OrleansML.Grains.Modes;
using OrleansML.Transfer;

namespace OrleansML.Grains.Jobs;

/// <summary>The shards and workers of one job as the coordinator addresses them: assignments, and the
/// operations that must reach every shard (configure, begin, checkpoint, restore, abort, read).</summary>
internal sealed class JobGroup
{
    private readonly IGrainFactory _grains;
    private readonly string _jobId;
    private readonly TrainingSpec _spec;
    private readonly int _floatsPerMessage;

    public JobGroup(IGrainFactory grains, string jobId, TrainingSpec spec, int parameterCount, int workerGeneration, int shardGeneration, int floatsPerMessage)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(floatsPerMessage, 1);
        _floatsPerMessage = floatsPerMessage;
        Debug.Assert(workerGeneration >= 0 && shardGeneration >= 0, "generations count from 0");
        _grains = grains;
        _jobId = jobId;
        _spec = spec;
        WorkerGeneration = workerGeneration;
        Layout = new ShardLayout(parameterCount, spec.Shards);
        ShardGeneration = shardGeneration;
    }

    public ShardLayout Layout { get; }

    public IParameterShardGrain[] Shards { get; private set; } = [];

    /// <summary>The workers' placement generation (see <see cref="JobRecord.WorkerGeneration"/>).</summary>
    public int WorkerGeneration { get; set; }

    /// <summary>The shards' placement generation (see <see cref="JobRecord.ShardGeneration"/>): setting it
    /// readdresses <see cref="Shards"/>.</summary>
    public int ShardGeneration
    {
        get;
        set
        {
            field = value;
            Shards = ShardsOf(value);
        }
    }

    public IParameterShardGrain[] ShardsOf(int generation) =>
        [.. Enumerable.Range(0, _spec.Shards).Select(i => _grains.GetGrain<IParameterShardGrain>(ShardLayout.ShardKey(_jobId, i, generation)))];

    /// <summary>Worker <paramref name="index"/> of the current generation. Workers keep no state (every call
    /// carries the assignment, which names the shards' generation), so a new generation only changes where they run.</summary>
    public IPartitionWorkerGrain Worker(int index) => _grains.GetGrain<IPartitionWorkerGrain>(ShardLayout.WorkerKey(_jobId, index, WorkerGeneration));

    public WorkerAssignment WorkerAssignment(int index, int workers, int stepsPerEpoch, TimeSpan runSlice) => new()
    {
        JobId = _jobId,
        WorkerIndex = index,
        WorkerCount = workers,
        TrainManifest = _spec.Data.TrainManifest,
        TestManifest = _spec.Data.TestManifest,
        Model = _spec.Model,
        ShardCount = _spec.Shards,
        ShardGeneration = ShardGeneration,
        Mode = _spec.Mode,
        Compression = _spec.Compression,
        StepsPerEpoch = stepsPerEpoch,
        PullEvery = _spec.PullEvery,
        AveragingInterval = _spec.AveragingInterval,
        Seed = _spec.Seed,
        LocalOptimizer = _spec.Optimizer,
        RunSlice = runSlice,
    };

    public Task ConfigureShardsAsync(int workers) => Task.WhenAll(Shards.Select((shard, i) => shard.ConfigureAsync(ShardAssignment(i, workers))));

    /// <summary>Makes every shard of the current generation continue from checkpoint
    /// <paramref name="checkpointId"/> of its counterpart in generation <paramref name="fromGeneration"/>; under
    /// BSP the versions must agree, as after a restore.</summary>
    public async Task HandOffAsync(int fromGeneration, long checkpointId, int workers)
    {
        Debug.Assert(fromGeneration < ShardGeneration, "a hand-off goes to a newer generation");
        long[] versions = await Task.WhenAll(Shards.Select((shard, i) => shard.TakeOverAsync(ShardAssignment(i, workers), fromGeneration, checkpointId)));
        if (ConsistencyRules.For(_spec.Mode).ShardVersionsAgree && versions.Distinct().Count() != 1)
        {
            throw new InvalidOperationException($"Shards took over checkpoint {checkpointId} at different versions ({string.Join(", ", versions)}): the model would be inconsistent.");
        }
    }

    /// <summary>Discards the shards of a superseded generation, best effort: one that cannot be reached now keeps
    /// its stored checkpoints (only storage is lost), and nothing calls it again.</summary>
    public async Task<int> DiscardQuietlyAsync(int generation)
    {
        Debug.Assert(generation != ShardGeneration, "never discard the live generation");
        int discarded = 0;
        foreach (IParameterShardGrain shard in ShardsOf(generation))
        {
            try
            {
                await shard.DiscardAsync();
                discarded++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Its silo may be dying; the job no longer depends on it.
            }
        }

        return discarded;
    }

    private ShardAssignment ShardAssignment(int index, int workers) => new()
    {
        JobId = _jobId,
        ShardIndex = index,
        ShardCount = _spec.Shards,
        Generation = ShardGeneration,
        Model = _spec.Model,
        // Under model averaging the job's optimizer runs on the workers; the shards run the outer step.
        Optimizer = _spec.Mode == ConsistencyMode.ModelAveraging ? ModelAveragingRules.OuterOptimizer(_spec) : _spec.Optimizer,
        Mode = _spec.Mode,
        WorkerCount = workers,
        BackupWorkers = Math.Min(_spec.BackupWorkers, workers - 1),
        Staleness = _spec.Staleness,
        Seed = _spec.Seed,
        CheckpointEverySteps = _spec.CheckpointEverySteps,
    };

    public Task BeginAsync(long attempt) => Task.WhenAll(Shards.Select(s => s.BeginAsync(attempt)));

    public Task CheckpointAsync(long checkpointId) => Task.WhenAll(Shards.Select(s => s.CheckpointAsync(checkpointId)));

    public async Task RestoreAsync(long checkpointId)
    {
        long[] versions = await Task.WhenAll(Shards.Select(s => s.RestoreAsync(checkpointId)));
        if (ConsistencyRules.For(_spec.Mode).ShardVersionsAgree && versions.Distinct().Count() != 1)
        {
            throw new InvalidOperationException($"Shards restored checkpoint {checkpointId} at different versions ({string.Join(", ", versions)}): the model would be inconsistent.");
        }
    }

    /// <summary>The newest checkpoint id every shard holds that is at least <paramref name="atLeast"/>: under
    /// BSP, shards checkpoint at the same versions, so all of them can roll back to one consistent model.</summary>
    public async Task<long> CommonCheckpointAsync(long atLeast, long preferBefore = long.MaxValue)
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

        // A checkpoint at the epoch's end (written just before a coordinator died, with the record not yet saved)
        // would replay no step, and the epoch's train loss would be lost: an earlier one in the epoch replays it.
        long[] inside = [.. usable.Where(id => id < preferBefore)];
        return inside.Length > 0 ? inside.Max() : usable.Max();
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

    /// <summary>The whole model as the shards hold it now, read in ranges of at most one message per call
    /// (<c>OrleansML:Transfer:MaxMessageBytes</c>), the shards in parallel.</summary>
    public async Task<float[]> ReadModelAsync()
    {
        var parameters = new float[Layout.ParameterCount];
        await Task.WhenAll(Shards.Select((shard, i) => ReadSliceAsync(shard, i, parameters)));
        return parameters;
    }

    private async Task ReadSliceAsync(IParameterShardGrain shard, int index, float[] parameters)
    {
        int start = Layout.Start(index);
        foreach ((long offset, int count) in TransferRanges.Split(Layout.Length(index), _floatsPerMessage))
        {
            FloatTensor range = await shard.ReadParameterRangeAsync((int)offset, count);
            if (range.Length != count)
            {
                throw new InvalidOperationException($"Shard {index} answered {range.Length} parameters for the range [{offset}, +{count}) of its slice.");
            }

            range.Values.CopyTo(parameters, start + (int)offset);
        }
    }

    /// <summary>Overwrites the model at <paramref name="version"/>: each shard stages its slice in ranges of at most
    /// one message, then commits it whole, so no shard ever uses a half-written slice.</summary>
    public Task WriteModelAsync(float[] parameters, long version)
    {
        Debug.Assert(parameters.Length == Layout.ParameterCount, "a model write covers the whole model");
        return Task.WhenAll(Shards.Select((shard, i) => WriteSliceAsync(shard, i, parameters, version)));
    }

    private async Task WriteSliceAsync(IParameterShardGrain shard, int index, float[] parameters, long version)
    {
        int start = Layout.Start(index);
        foreach ((long offset, int count) in TransferRanges.Split(Layout.Length(index), _floatsPerMessage))
        {
            await shard.WriteParameterRangeAsync(version, (int)offset, new FloatTensor(parameters.AsSpan(start + (int)offset, count).ToArray()));
        }

        await shard.CommitParametersAsync(version);
    }

    public async Task<(long Late, long Duplicates)> PushCountersAsync()
    {
        ShardStats[] stats = await Task.WhenAll(Shards.Select(s => s.GetStatsAsync()));
        return (stats.Sum(s => s.LatePushes), stats.Sum(s => s.DuplicatePushes));
    }
}
