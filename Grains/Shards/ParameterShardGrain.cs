using OrleansML.Grains.Modes;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansML.Shards;
using OrleansML.Tensors;
using OrleansML.Workers;
using Orleans.Concurrency;
using Orleans.Runtime;
using OrleansML.Grains.Placement;
using OrleansML.Jobs;
using OrleansML.Grains.Checkpoints;
using OrleansML.Learning.Storage;
using OrleansML.Grains.Transfer;

namespace OrleansML.Grains.Shards;

/// <summary>
/// A parameter shard (see <see cref="IParameterShardGrain"/> for its contract). Reentrant, because a pull
/// waits for pushes: turns interleave only at awaits, and every mutation of the state, the barrier, the
/// waiters and the counters is synchronous between awaits, so each turn sees and leaves a consistent shard.
/// </summary>
/// <remarks>
/// Invariants: <c>_published &lt;= _state.Version</c> (they differ only while a BSP step's checkpoint is being
/// written, so no worker sees a step before its checkpoint exists); <c>_attempt</c> is null or equals
/// <c>_lastAttempt</c>; a waiting pull's attempt is the current attempt (others are failed at once).
/// </remarks>
[Reentrant]
[SpreadPlacement]
internal sealed partial class ParameterShardGrain : Grain, IParameterShardGrain
{
    private readonly IPersistentState<ShardCheckpointRecord> _store;
    private readonly CheckpointBlobs _blobs;
    private readonly ILocalSiloDetails _silo;
    private readonly TimeProvider _time;
    private readonly ParameterShardOptions _options;
    private readonly TransferOptions _transfer;
    private readonly ILogger _logger;
    private readonly PullWaiters _waiters = new();
    private ShardState? _state;
    private StepBarrier? _barrier;
    private long? _attempt;
    private long _lastAttempt = long.MinValue;
    private long _published;
    private long _pushes;
    private long _duplicates;
    private long _late;
    private long _pulls;
    private long _bytesIn;
    private long _bytesOut;
    private long _maximumStaleness;
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

    /// <summary>The shard's instruments; its job and mode never change (its key names the job).</summary>
    private ShardMetrics Metrics(ShardState state) => _metrics ??= new ShardMetrics(state.Assignment.JobId, state.Assignment.Mode);

    /// <summary>Loads the newest valid checkpoint, if storage holds any: the shard was reactivated.</summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken) => LoadNewestCheckpointAsync(cancellationToken);

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _waiters.Fail(null, w => new InvalidOperationException($"shard {Key}: the pull of attempt {w.Attempt} failed because the shard is deactivating ({reason})."));
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<ShardStats> ConfigureAsync(ShardAssignment assignment)
    {
        ShardRequestChecks.CheckAssignment(assignment, Key);
        if (_state is null)
        {
            Adopt(ShardState.Initialize(assignment));
            LogInitialized(_logger, Key, _state!.Start, _state.Length, assignment.Mode);
        }
        else
        {
            ShardRequestChecks.CheckSameJob(_state.Assignment, assignment, Key);
            _state.Reconfigure(assignment);
        }

        return Task.FromResult(Stats());
    }

    /// <inheritdoc/>
    public Task<long> BeginAsync(long attempt)
    {
        ShardState state = RequireState();
        if (attempt < _lastAttempt)
        {
            LogRefusedBegin(_logger, Key, attempt, _lastAttempt);
            throw new InvalidOperationException($"shard {Key}: cannot begin attempt {attempt}: attempt {_lastAttempt} has already begun (attempts only grow).");
        }

        if (_attempt != attempt)
        {
            // A new attempt: what the old one buffered or waits for belongs to an abandoned run.
            long? previous = _attempt;
            _attempt = attempt;
            _lastAttempt = attempt;
            _barrier!.Clear();
            _waiters.Fail(attempt, w => new InvalidOperationException(
                $"shard {Key}: attempt {w.Attempt} is not the shard's current attempt {attempt}: it was superseded while the pull waited."));
            LogBegun(_logger, Key, attempt, previous, state.Version);
        }

        return Task.FromResult(state.Version);
    }

    /// <inheritdoc/>
    public Task AbortAsync(string reason)
    {
        long? aborted = _attempt;
        _attempt = null;
        _barrier?.Clear();
        _waiters.Fail(null, w => new InvalidOperationException($"shard {Key}: attempt {w.Attempt} was aborted while the pull waited: {reason}"));
        LogAborted(_logger, Key, aborted, reason);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<ShardStats> GetStatsAsync() => Task.FromResult(Stats());

    /// <inheritdoc/>
    public Task<FloatTensor> ReadParametersAsync()
    {
        ShardState state = RequireState();
        CheckFitsOneMessage(state.Length, nameof(ReadParametersAsync), nameof(ReadParameterRangeAsync));
        return Task.FromResult(new FloatTensor(state.Parameters.ToArray()));
    }

    /// <inheritdoc/>
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
        Overwrite(state, values, version);
        return Task.CompletedTask;
    }

    /// <summary>Makes <paramref name="values"/> the live parameters at <paramref name="version"/>.</summary>
    private void Overwrite(ShardState state, float[] values, long version)
    {
        Debug.Assert(values.Length == state.Length, "a write covers the whole slice");
        values.CopyTo(state.Parameters, 0);
        state.Version = version;
        _barrier!.Clear();
        Publish();
    }

    /// <inheritdoc/>
    public Task RetireAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    private ShardState RequireState() => _state
        ?? throw new InvalidOperationException($"shard {Key} is not configured: call ConfigureAsync first.");

    /// <summary>Makes <paramref name="state"/> the live state, with no current attempt and nothing buffered.</summary>
    private void Adopt(ShardState state)
    {
        _state = state;
        _barrier = new StepBarrier(state.Length);
        _attempt = null;
        _published = state.Version;
    }

    /// <summary>Makes the state's version visible to pulls and lets through those now satisfied.</summary>
    private void Publish()
    {
        ShardState state = RequireState();
        _published = state.Version;
        long slowest = state.SlowestClock;
        int staleness = state.Assignment.Staleness;
        ConsistencyRules rules = ConsistencyRules.For(state.Assignment.Mode);
        _waiters.Release(w => !rules.PullMustWait(new PullView(w.Clock ?? 0, w.MinimumVersion), _published, slowest, staleness));
    }

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

        return new ShardStats
        {
            ShardIndex = _state?.Assignment.ShardIndex ?? ShardRequestChecks.IndexFromKey(Key),
            Length = _state?.Length ?? 0,
            Version = _state?.Version ?? 0,
            Pushes = _pushes,
            DuplicatePushes = _duplicates,
            LatePushes = _late,
            Pulls = _pulls,
            BytesIn = _bytesIn,
            BytesOut = _bytesOut,
            MaximumStaleness = _maximumStaleness,
            Checkpoints = [.. _held.Select(c => c.Id)],
            Silo = silo,
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Shard {Shard} initialised parameters [{Start}, +{Length}) for {Mode}")]
    private static partial void LogInitialized(ILogger logger, string shard, int start, int length, ConsistencyMode mode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shard {Shard} reactivated from checkpoint {Checkpoint} (version {Version}); it refuses work until an attempt begins")]
    private static partial void LogReactivated(ILogger logger, string shard, long checkpoint, long version);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Shard {Shard} began attempt {Attempt} (previous {Previous}) at version {Version}")]
    private static partial void LogBegun(ILogger logger, string shard, long attempt, long? previous, long version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shard {Shard} refused to begin attempt {Attempt}: attempt {Last} has begun")]
    private static partial void LogRefusedBegin(ILogger logger, string shard, long attempt, long last);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shard {Shard} aborted attempt {Attempt}: {Reason}")]
    private static partial void LogAborted(ILogger logger, string shard, long? attempt, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Shard {Shard} refused a {Operation} of attempt {Attempt} (current {Current})")]
    private static partial void LogRefusedAttempt(ILogger logger, string shard, string operation, long attempt, long? current);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shard {Shard} wrote checkpoint {Checkpoint} (version {Version}, {Bytes} bytes); holds {Held} checkpoints from id {Oldest}")]
    private static partial void LogCheckpointed(ILogger logger, string shard, long checkpoint, long version, int bytes, int held, long oldest);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shard {Shard} restored checkpoint {Checkpoint} (version {Version})")]
    private static partial void LogRestored(ILogger logger, string shard, long checkpoint, long version);

    [LoggerMessage(Level = LogLevel.Error, Message = "Shard {Shard} dropped checkpoint {Checkpoint}, which is lost: {Reason}")]
    private static partial void LogLostCheckpoint(ILogger logger, string shard, long checkpoint, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shard {Shard}: a pull of worker {Worker} timed out after {Timeout}")]
    private static partial void LogPullTimedOut(ILogger logger, string shard, int worker, TimeSpan timeout);
}
