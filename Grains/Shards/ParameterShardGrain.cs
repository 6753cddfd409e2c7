using Orleans.Concurrency;
using Orleans.Runtime;
using OrleansML.Grains.Placement;
using OrleansML.Grains.Checkpoints;
using OrleansML.Grains.Transfer;

namespace OrleansML.Grains.Shards;

/// <summary>
/// A parameter shard (see <see cref="IParameterShardGrain"/> for its contract): an Orleans shell over
/// <see cref="ShardCore"/>, which holds the shard's rules. The grain keeps storage, checkpoint and hand-off I/O,
/// logs and metrics. Reentrant, because a pull waits for pushes: turns interleave only at awaits, and every
/// mutation of the core is synchronous between awaits, so each turn sees and leaves a consistent shard.
/// </summary>
[Reentrant]
[SpreadPlacement]
internal sealed partial class ParameterShardGrain : Grain, IParameterShardGrain, IShardCoreEvents
{
    private readonly IPersistentState<ShardCheckpointRecord> _store;
    private readonly CheckpointBlobs _blobs;
    private readonly ILocalSiloDetails _silo;
    private readonly TimeProvider _time;
    private readonly ParameterShardOptions _options;
    private readonly TransferOptions _transfer;
    private readonly ILogger _logger;
    private ShardCore? _core;
    private ShardMetrics? _metrics;

    public ParameterShardGrain(
        [PersistentState("shard", "Default")] IPersistentState<ShardCheckpointRecord> store,
        IBlobStore blobStore,
        ILocalSiloDetails silo,
        TimeProvider time,
        IOptions<ParameterShardOptions> options,
        IOptions<TransferOptions> transfer,
        ILogger<ParameterShardGrain> logger)
    {
        _store = store;
        _silo = silo;
        _time = time;
        _options = options.Value;
        _transfer = transfer.Value;
        _logger = logger;
        _blobs = new CheckpointBlobs(blobStore, logger);
    }

    private string Key => this.GetPrimaryKeyString();

    /// <summary>The shard's rules; made on first use, when the grain's key is known.</summary>
    private ShardCore Core => _core ??= new ShardCore(Key, _options.PullWaitTimeout, _time, this, CheckpointAsync);

    /// <summary>The shard's instruments; its job and mode never change (its key names the job).</summary>
    private ShardMetrics Metrics(ShardState state) => _metrics ??= new ShardMetrics(state.Assignment.JobId, state.Assignment.Mode);

    /// <summary>Loads the newest valid checkpoint, if storage holds any: the shard was reactivated.</summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken) => LoadNewestCheckpointAsync(cancellationToken);

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Core.FailPulls(w => new InvalidOperationException($"shard {Key}: the pull of attempt {w.Attempt} failed because the shard is deactivating ({reason})."));
        return Task.CompletedTask;
    }

    public Task<ShardStats> ConfigureAsync(ShardAssignment assignment)
    {
        if (Core.Configure(assignment))
        {
            ShardState state = Core.RequireState();
            LogInitialized(_logger, Key, state.Start, state.Length, assignment.Mode);
        }

        return Task.FromResult(Stats());
    }

    public Task<long> BeginAsync(long attempt) => Task.FromResult(Core.Begin(attempt));

    public Task AbortAsync(string reason)
    {
        long? aborted = Core.Abort(reason);
        LogAborted(_logger, Key, aborted, reason);
        return Task.CompletedTask;
    }

    public Task<PushOutcome> PushAsync(GradientPush push) => Core.PushAsync(push);

    public Task<ParameterSlice> PullAsync(PullRequest request) => Core.PullAsync(request);

    public Task<PushPullResult> PushThenPullAsync(GradientPush push, PullRequest pull) => Core.PushThenPullAsync(push, pull);

    public Task<ShardStats> GetStatsAsync() => Task.FromResult(Stats());

    public Task<FloatTensor> ReadParametersAsync()
    {
        ShardState state = RequireState();
        CheckFitsOneMessage(state.Length, nameof(ReadParametersAsync), nameof(ReadParameterRangeAsync));
        return Task.FromResult(new FloatTensor(state.Parameters.ToArray()));
    }

    public Task WriteParametersAsync(FloatTensor valueTensor, long version)
    {
        ShardState state = RequireState();
        ArgumentNullException.ThrowIfNull(valueTensor);
        float[] values = valueTensor.Values;
        if (values.Length != state.Length)
        {
            throw new ArgumentException($"shard {Key}: WriteParametersAsync got {values.Length} values but the shard holds {state.Length} parameters.", nameof(valueTensor));
        }

        CheckFitsOneMessage(state.Length, nameof(WriteParametersAsync), nameof(WriteParameterRangeAsync));
        ShardRequestChecks.CheckFinite(values, Key, "WriteParametersAsync");
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        Core.Overwrite(values, version);
        return Task.CompletedTask;
    }

    public Task RetireAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    private ShardState RequireState() => Core.RequireState();

    private ShardStats Stats()
    {
        string? silo = null;
        try
        {
            silo = _silo.SiloAddress.ToString();
        }
        catch (InvalidOperationException)
        {
            // The address is unknown only before the silo started; a grain cannot run then, but stay safe.
        }

        return Core.Stats([.. _held.Select(c => c.Id)], silo);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Shard {Shard} initialised parameters [{Start}, +{Length}) for {Mode}")]
    private static partial void LogInitialized(ILogger logger, string shard, int start, int length, ConsistencyMode mode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shard {Shard} reactivated from checkpoint {Checkpoint} (version {Version}); it refuses work until an attempt begins")]
    private static partial void LogReactivated(ILogger logger, string shard, long checkpoint, long version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shard {Shard} aborted attempt {Attempt}: {Reason}")]
    private static partial void LogAborted(ILogger logger, string shard, long? attempt, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shard {Shard} wrote checkpoint {Checkpoint} (version {Version}, {Bytes} bytes); holds {Held} checkpoints from id {Oldest}")]
    private static partial void LogCheckpointed(ILogger logger, string shard, long checkpoint, long version, long bytes, int held, long oldest);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shard {Shard} restored checkpoint {Checkpoint} (version {Version})")]
    private static partial void LogRestored(ILogger logger, string shard, long checkpoint, long version);

    [LoggerMessage(Level = LogLevel.Error, Message = "Shard {Shard} dropped checkpoint {Checkpoint}, which is lost: {Reason}")]
    private static partial void LogLostCheckpoint(ILogger logger, string shard, long checkpoint, string reason);
}
