using OrleansML.Grains.Modes;

namespace OrleansML.Grains.Shards;

/// <summary>Pulls: wait (BSP, averaging, L-BFGS: for the version; SSP: for the staleness bound), then copy.</summary>
internal sealed partial class ShardCore
{
    /// <summary>Serves a pull once the mode allows it (BSP, averaging, L-BFGS: the version; SSP: the staleness
    /// bound), waiting at most the pull timeout.</summary>
    public async Task<ParameterSlice> PullAsync(PullRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ShardState state = RequireState();
        CheckAttempt(request.Attempt, "pull", request.WorkerId, request.Step);
        int[]? localKeys = request.Keys is null ? null : ShardRequestChecks.LocalKeys(request.Keys.Values, state, key, "pull");
        ConsistencyRules rules = ConsistencyRules.For(state.Assignment.Mode);
        if (rules.PullsByClock)
        {
            ShardRequestChecks.CheckWorker(request.WorkerId, state.Assignment.WorkerCount, key, "pull");
        }

        if (rules.PullMustWait(new PullView(request.Step, request.MinimumVersion), _published, state.SlowestClock, state.Assignment.Staleness))
        {
            long waitStarted = time.GetTimestamp();
            await WaitAsync(request, rules.PullsByClock ? request.Step : null);
            events.Waited(state, time.GetElapsedTime(waitStarted).TotalSeconds);
            // The wait ended in another turn: the shard may have begun a new attempt or been restored since.
            CheckAttempt(request.Attempt, "pull", request.WorkerId, request.Step);
            state = RequireState();
        }

        float[] values;
        if (localKeys is null)
        {
            values = state.Parameters.ToArray();
        }
        else
        {
            values = new float[localKeys.Length];
            for (int i = 0; i < localKeys.Length; i++)
            {
                values[i] = state.Parameters[localKeys[i]];
            }
        }

        // The slice is shared with a local worker, not copied: round it as the wire would.
        var tensor = FloatTensor.RoundedToWire(values, request.Compression);
        long bytes = tensor.WireBytes;
        _pulls++;
        _bytesOut += bytes;
        events.Pulled(state, bytes);
        return new ParameterSlice
        {
            Version = _published,
            Start = localKeys is null ? state.Start : 0,
            Values = tensor,
        };
    }

    /// <summary>One worker's push, then its pull of the same attempt.</summary>
    public async Task<PushPullResult> PushThenPullAsync(GradientPush push, PullRequest pull)
    {
        ArgumentNullException.ThrowIfNull(push);
        ArgumentNullException.ThrowIfNull(pull);
        if (push.WorkerId != pull.WorkerId || push.Attempt != pull.Attempt)
        {
            throw new ArgumentException(
                $"shard {key}: a push-then-pull pairs one worker's requests of one attempt, but the push is worker {push.WorkerId}'s (attempt {push.Attempt}) and the pull worker {pull.WorkerId}'s (attempt {pull.Attempt}).",
                nameof(pull));
        }

        PushOutcome outcome = await PushAsync(push);
        return new PushPullResult { Outcome = outcome, Slice = await PullAsync(pull) };
    }

    private async Task WaitAsync(PullRequest request, long? clock)
    {
        PullWaiter waiter = _waiters.Add(request.Attempt, request.MinimumVersion, clock);
        try
        {
            // WaitAsync's timer is disposed when the pull completes or fails, and the finally removes the
            // waiter: a pull that ends in any way leaves neither behind.
            await waiter.Completion.Task.WaitAsync(pullWaitTimeout, time);
        }
        catch (TimeoutException)
        {
            events.PullTimedOut(request.WorkerId, pullWaitTimeout);
            ShardState state = RequireState();
            string waitedFor = clock is null
                ? $"version {request.MinimumVersion} (the shard is at version {_published})"
                : $"the staleness bound (worker clock {clock}, slowest clock {state.SlowestClock}, staleness {state.Assignment.Staleness}; clocks [{string.Join(", ", state.Clocks)}])";
            throw new TimeoutException(
                $"shard {key}: the pull of worker {request.WorkerId} at step {request.Step} (attempt {request.Attempt}) waited {pullWaitTimeout} for {waitedFor}; ParameterShardOptions.PullWaitTimeout bounds the wait.");
        }
        finally
        {
            _waiters.Remove(waiter);
        }
    }
}
