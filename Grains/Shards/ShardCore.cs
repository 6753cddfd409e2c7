using OrleansML.Grains.Modes;

namespace OrleansML.Grains.Shards;

/// <summary>
/// The rules of a parameter shard, free of Orleans: attempt fencing, push validation, idempotence by (worker, step),
/// apply-on-arrival or the step barrier (as the mode's <see cref="ConsistencyRules"/> choose), pulls that wait for a
/// version or the staleness bound, and publishing. <see cref="ParameterShardGrain"/> delegates to it and keeps storage,
/// checkpoint and hand-off I/O, telemetry and the grain interface.
/// </summary>
/// <remarks>
/// Not thread-safe: the grain calls it only inside its turns, and every mutation is synchronous between awaits.
/// Invariants: <c>_published &lt;= State.Version</c> (they differ only while a BSP step's checkpoint is being written,
/// so no worker sees a step before its checkpoint exists); <c>_attempt</c> is null or equals <c>_lastAttempt</c>; a
/// waiting pull's attempt is the current attempt (others are failed at once).
/// </remarks>
/// <param name="key">The shard's key, named in every error.</param>
/// <param name="pullWaitTimeout">How long a pull may wait (<see cref="ParameterShardOptions.PullWaitTimeout"/>).</param>
/// <param name="time">The clock of pull timeouts and wait metrics.</param>
/// <param name="events">Where decisions are reported (logs and metrics).</param>
/// <param name="checkpoint">Writes checkpoint <c>id</c> of the current state: called when a BSP step completes on a
/// checkpoint boundary, before the step is published.</param>
internal sealed partial class ShardCore(string key, TimeSpan pullWaitTimeout, TimeProvider time, IShardCoreEvents events, Func<long, Task> checkpoint)
{
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

    public string Key => key;

    /// <summary>The live state, or null before configuration (or after a discard).</summary>
    public ShardState? State => _state;

    /// <summary>The current attempt; null after activation, an abort or a restore until <see cref="Begin"/>.</summary>
    public long? Attempt => _attempt;

    public long Published => _published;

    public int WaitingPulls => _waiters.Count;

    public ShardState RequireState() => _state
        ?? throw new InvalidOperationException($"shard {key} is not configured: call ConfigureAsync first.");

    /// <summary>Initialises the shard from <paramref name="assignment"/>, or reconfigures it when it holds a state
    /// (only the settings a coordinator may change). Returns true when it initialised.</summary>
    public bool Configure(ShardAssignment assignment)
    {
        ShardRequestChecks.CheckAssignment(assignment, key);
        if (_state is null)
        {
            Adopt(ShardState.Initialize(assignment));
            return true;
        }

        ShardRequestChecks.CheckSameJob(_state.Assignment, assignment, key);
        _state.Reconfigure(assignment);
        return false;
    }

    /// <summary>Begins <paramref name="attempt"/> (attempts only grow; beginning the current one again is harmless)
    /// and returns the shard's version.</summary>
    public long Begin(long attempt)
    {
        ShardState state = RequireState();
        if (attempt < _lastAttempt)
        {
            events.RefusedBegin(attempt, _lastAttempt);
            throw new InvalidOperationException($"shard {key}: cannot begin attempt {attempt}: attempt {_lastAttempt} has already begun (attempts only grow).");
        }

        if (_attempt != attempt)
        {
            // A new attempt: what the old one buffered or waits for belongs to an abandoned run.
            long? previous = _attempt;
            _attempt = attempt;
            _lastAttempt = attempt;
            _barrier?.Clear();
            _waiters.Fail(attempt, w => new InvalidOperationException(
                $"shard {key}: attempt {w.Attempt} is not the shard's current attempt {attempt}: it was superseded while the pull waited."));
            events.Begun(attempt, previous, state.Version);
        }

        return state.Version;
    }

    /// <summary>Ends the current attempt: the shard refuses work until the next <see cref="Begin"/>. Returns the
    /// aborted attempt.</summary>
    public long? Abort(string reason)
    {
        long? aborted = _attempt;
        _attempt = null;
        _barrier?.Clear();
        _waiters.Fail(null, w => new InvalidOperationException($"shard {key}: attempt {w.Attempt} was aborted while the pull waited: {reason}"));
        return aborted;
    }

    /// <summary>Makes <paramref name="state"/> the live state, with no current attempt and nothing buffered.</summary>
    public void Adopt(ShardState state)
    {
        _state = state;
        // Only modes that hold pushes for a step's barrier have one; its buffers follow the pushes it collects.
        ConsistencyRules rules = ConsistencyRules.For(state.Assignment.Mode);
        _barrier = rules.AcceptsPushes && !rules.AppliesPushOnArrival ? new StepBarrier(state.Length) : null;
        _attempt = null;
        _published = state.Version;
    }

    /// <summary>Forgets the state: the shard is unconfigured until configured or handed a state again.</summary>
    public void Discard()
    {
        _state = null;
        _barrier = null;
        _attempt = null;
    }

    /// <summary>Fails every waiting pull with <paramref name="error"/>.</summary>
    public void FailPulls(Func<PullWaiter, Exception> error) => _waiters.Fail(null, error);

    /// <summary>Makes <paramref name="values"/> the live parameters at <paramref name="version"/>.</summary>
    public void Overwrite(float[] values, long version)
    {
        ShardState state = RequireState();
        Debug.Assert(values.Length == state.Length, "a write covers the whole slice");
        values.CopyTo(state.Parameters, 0);
        state.Version = version;
        _barrier?.Clear();
        Publish();
    }

    /// <summary>Makes the state's version visible to pulls and lets through those now satisfied.</summary>
    public void Publish()
    {
        ShardState state = RequireState();
        _published = state.Version;
        long slowest = state.SlowestClock;
        int staleness = state.Assignment.Staleness;
        ConsistencyRules rules = ConsistencyRules.For(state.Assignment.Mode);
        _waiters.Release(w => !rules.PullMustWait(new PullView(w.Clock ?? 0, w.MinimumVersion), _published, slowest, staleness));
    }

    /// <summary>Refuses a request of any attempt but the current one, at once.</summary>
    public void CheckAttempt(long attempt, string operation, int worker, long requestStep)
    {
        if (_attempt == attempt)
        {
            return;
        }

        events.RefusedAttempt(operation, attempt, _attempt);
        string current = _attempt is { } value
            ? value.ToString(CultureInfo.InvariantCulture)
            : "(none: the shard refuses work after activation, an abort or a restore until BeginAsync)";
        throw new InvalidOperationException(
            $"shard {key}: the {operation} of worker {worker} at step {requestStep} is refused: attempt {attempt} is not the shard's current attempt {current}.");
    }

    /// <summary>The shard's counters and state, as <see cref="IParameterShardGrain.GetStatsAsync"/> reports them.</summary>
    public ShardStats Stats(IReadOnlyList<long> checkpoints, string? silo) => new()
    {
        ShardIndex = _state?.Assignment.ShardIndex ?? ShardRequestChecks.IndexFromKey(key),
        Length = _state?.Length ?? 0,
        Version = _state?.Version ?? 0,
        Pushes = _pushes,
        DuplicatePushes = _duplicates,
        LatePushes = _late,
        Pulls = _pulls,
        BytesIn = _bytesIn,
        BytesOut = _bytesOut,
        MaximumStaleness = _maximumStaleness,
        Checkpoints = checkpoints,
        Silo = silo,
    };

    /// <summary>Validates <paramref name="push"/> in full before anything changes, then applies it (ASP, SSP) or
    /// buffers it for its step's barrier (BSP, averaging).</summary>
    public async Task<PushOutcome> PushAsync(GradientPush push)
    {
        ArgumentNullException.ThrowIfNull(push);
        ShardState state = RequireState();
        ConsistencyRules rules = ConsistencyRules.For(state.Assignment.Mode);
        if (!rules.AcceptsPushes)
        {
            throw new InvalidOperationException($"shard {key}: pushes are not used under Lbfgs (the coordinator writes the iterate with WriteParametersAsync).");
        }

        int[]? localKeys;
        try
        {
            CheckAttempt(push.Attempt, "push", push.WorkerId, push.Step);
            localKeys = ShardRequestChecks.CheckPush(push, state, key);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            events.Rejected(state);
            throw;
        }

        long bytes = push.Values.WireBytes + (push.Keys?.WireBytes ?? 0);
        _pushes++;
        _bytesIn += bytes;
        PushOutcome outcome = rules.AppliesPushOnArrival
            ? ApplyNow(state, rules, push, localKeys)
            : await AddToBarrierAsync(state, rules, push, localKeys);
        events.Pushed(state, outcome, bytes);
        return outcome;
    }

    /// <summary>ASP and SSP: apply on arrival, once per (worker, step).</summary>
    private PushOutcome ApplyNow(ShardState state, ConsistencyRules rules, GradientPush push, int[]? localKeys)
    {
        if (state.IsDuplicate(push.WorkerId, push.Step))
        {
            _duplicates++;
            return PushOutcome.Duplicate;
        }

        long staleness = push.Step - state.SlowestClock;
        _maximumStaleness = Math.Max(_maximumStaleness, staleness);
        events.Applied(state, staleness);
        rules.Apply(state, push.Values.Span, localKeys);
        state.RecordStep(push.WorkerId, push.Step);
        Publish();
        return PushOutcome.Applied;
    }

    /// <summary>BSP and averaging: buffer for the step's barrier; the push that completes it applies the
    /// row-weighted mean, checkpoints if due, and only then publishes the new version.</summary>
    private async Task<PushOutcome> AddToBarrierAsync(ShardState state, ConsistencyRules rules, GradientPush push, int[]? localKeys)
    {
        StepBarrier barrier = _barrier ?? throw new InvalidOperationException($"shard {key} has no step barrier under {state.Assignment.Mode}.");
        if (barrier.HasSeen(push.WorkerId, push.Step) || (push.Step < state.Version && state.IsDuplicate(push.WorkerId, push.Step)))
        {
            _duplicates++;
            return PushOutcome.Duplicate;
        }

        if (push.Step < state.Version)
        {
            _late++;
            return PushOutcome.Late;
        }

        if (push.Step > state.Version)
        {
            events.Rejected(state);
            throw new InvalidOperationException(
                $"shard {key}: worker {push.WorkerId} pushed step {push.Step} but the shard is at version {state.Version}: under {state.Assignment.Mode} a worker pushes step s only after pulling version s.");
        }

        barrier.Add(push.WorkerId, push.Step, push.Rows, localKeys, localKeys is null, push.Values.Span);
        int needed = Math.Max(1, state.Assignment.WorkerCount - state.Assignment.BackupWorkers);
        if (barrier.Count < needed)
        {
            return PushOutcome.Buffered;
        }

        int[] contributors = [.. barrier.Workers];
        // A dense mean is the barrier's reused buffer: it is applied below, before the first await.
        float[] mean = barrier.TakeMean(out int[]? meanKeys);
        rules.Apply(state, mean, meanKeys);
        foreach (int worker in contributors)
        {
            state.RecordStep(worker, push.Step);
        }

        int every = state.Assignment.CheckpointEverySteps;
        if (every > 0 && state.Version % every == 0)
        {
            try
            {
                await checkpoint(state.Version);
            }
            finally
            {
                // Publish even when the write failed: the pusher gets the error and the coordinator rolls back,
                // but no pull may hang on a version that exists.
                Publish();
            }
        }
        else
        {
            Publish();
        }

        return PushOutcome.Applied;
    }
}
