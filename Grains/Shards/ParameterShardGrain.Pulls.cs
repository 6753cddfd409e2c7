using OrleansML.Grains.Modes;
using OrleansML.Shards;
using OrleansML.Tensors;
using OrleansML.Workers;
using OrleansML.Jobs;

namespace OrleansML.Grains.Shards;

/// <summary>Pulls: wait (BSP, averaging, L-BFGS: for the version; SSP: for the staleness bound), then copy.</summary>
internal sealed partial class ParameterShardGrain
{
    /// <inheritdoc/>
    public async Task<ParameterSlice> PullAsync(PullRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ShardState state = RequireState();
        CheckAttempt(request.Attempt, "pull", request.WorkerId, request.Step);
        int[]? localKeys = request.Keys is null ? null : ShardRequestChecks.LocalKeys(request.Keys.Values, state, Key, "pull");
        ConsistencyRules rules = ConsistencyRules.For(state.Assignment.Mode);
        if (rules.PullsByClock)
        {
            ShardRequestChecks.CheckWorker(request.WorkerId, state.Assignment.WorkerCount, Key, "pull");
        }

        if (rules.PullMustWait(new PullView(request.Step, request.MinimumVersion), _published, state.SlowestClock, state.Assignment.Staleness))
        {
            long waitStarted = _time.GetTimestamp();
            await WaitAsync(request, rules.PullsByClock ? request.Step : null);
            Metrics(state).Waited(_time.GetElapsedTime(waitStarted).TotalSeconds);
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
        Metrics(state).Pulled(bytes);
        return new ParameterSlice
        {
            Version = _published,
            Start = localKeys is null ? state.Start : 0,
            Values = tensor,
        };
    }

    /// <inheritdoc/>
    public async Task<PushPullResult> PushThenPullAsync(GradientPush push, PullRequest pull)
    {
        ArgumentNullException.ThrowIfNull(push);
        ArgumentNullException.ThrowIfNull(pull);
        if (push.WorkerId != pull.WorkerId || push.Attempt != pull.Attempt)
        {
            throw new ArgumentException(
                $"shard {Key}: a push-then-pull pairs one worker's requests of one attempt, but the push is worker {push.WorkerId}'s (attempt {push.Attempt}) and the pull worker {pull.WorkerId}'s (attempt {pull.Attempt}).",
                nameof(pull));
        }

        PushOutcome outcome = await PushAsync(push);
        return new PushPullResult { Outcome = outcome, Slice = await PullAsync(pull) };
    }

    private async Task WaitAsync(PullRequest request, long? clock)
    {
        PullWaiter waiter = _waiters.Add(request.Attempt, request.MinimumVersion, clock);
        TimeSpan timeout = _options.PullWaitTimeout;
        try
        {
            // WaitAsync's timer is disposed when the pull completes or fails, and the finally removes the
            // waiter: a pull that ends in any way leaves neither behind.
            await waiter.Completion.Task.WaitAsync(timeout, _time);
        }
        catch (TimeoutException)
        {
            LogPullTimedOut(_logger, Key, request.WorkerId, timeout);
            ShardState state = RequireState();
            string waitedFor = clock is null
                ? $"version {request.MinimumVersion} (the shard is at version {_published})"
                : $"the staleness bound (worker clock {clock}, slowest clock {state.SlowestClock}, staleness {state.Assignment.Staleness}; clocks [{string.Join(", ", state.Clocks)}])";
            throw new TimeoutException(
                $"shard {Key}: the pull of worker {request.WorkerId} at step {request.Step} (attempt {request.Attempt}) waited {timeout} for {waitedFor}; ParameterShardOptions.PullWaitTimeout bounds the wait.");
        }
        finally
        {
            _waiters.Remove(waiter);
        }
    }

    /// <summary>Refuses a request of any attempt but the current one, at once.</summary>
    private void CheckAttempt(long attempt, string operation, int worker, long requestStep)
    {
        if (_attempt == attempt)
        {
            return;
        }

        LogRefusedAttempt(_logger, Key, operation, attempt, _attempt);
        string current = _attempt is { } value
            ? value.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : "(none: the shard refuses work after activation, an abort or a restore until BeginAsync)";
        throw new InvalidOperationException(
            $"shard {Key}: the {operation} of worker {worker} at step {requestStep} is refused: attempt {attempt} is not the shard's current attempt {current}.");
    }
}
