using OrleansML.Grains.Modes;
using OrleansML.Shards;
using OrleansML.Tensors;
using OrleansML.Workers;
using OrleansML.Jobs;

namespace OrleansML.Grains.Shards;

/// <summary>Pushes: validated in full before anything changes, then applied (ASP, SSP) or buffered for the
/// step's barrier (BSP, averaging).</summary>
internal sealed partial class ParameterShardGrain
{
    /// <inheritdoc/>
    public async Task<PushOutcome> PushAsync(GradientPush push)
    {
        ArgumentNullException.ThrowIfNull(push);
        ShardState state = RequireState();
        ConsistencyRules rules = ConsistencyRules.For(state.Assignment.Mode);
        if (!rules.AcceptsPushes)
        {
            throw new InvalidOperationException($"shard {Key}: pushes are not used under Lbfgs (the coordinator writes the iterate with WriteParametersAsync).");
        }

        try
        {
            CheckAttempt(push.Attempt, "push", push.WorkerId, push.Step);
        }
        catch (InvalidOperationException)
        {
            Metrics(state).Rejected();
            throw;
        }

        int[]? localKeys;
        try
        {
            localKeys = ShardRequestChecks.CheckPush(push, state, Key);
        }
        catch (ArgumentException)
        {
            Metrics(state).Rejected();
            throw;
        }

        long bytes = push.Values.WireBytes + (push.Keys?.WireBytes ?? 0);
        _pushes++;
        _bytesIn += bytes;
        PushOutcome outcome = rules.AppliesPushOnArrival
            ? ApplyNow(state, rules, push, localKeys)
            : await AddToBarrierAsync(state, rules, push, localKeys);
        Metrics(state).Pushed(outcome, bytes);
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
        Metrics(state).Applied(staleness);
        rules.Apply(state, push.Values.Span, localKeys);
        state.RecordStep(push.WorkerId, push.Step);
        Publish();
        return PushOutcome.Applied;
    }

    /// <summary>BSP and averaging: buffer for the step's barrier; the push that completes it applies the
    /// row-weighted mean, checkpoints if due, and only then publishes the new version.</summary>
    private async Task<PushOutcome> AddToBarrierAsync(ShardState state, ConsistencyRules rules, GradientPush push, int[]? localKeys)
    {
        StepBarrier barrier = _barrier!;
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
            Metrics(state).Rejected();
            throw new InvalidOperationException(
                $"shard {Key}: worker {push.WorkerId} pushed step {push.Step} but the shard is at version {state.Version}: under {state.Assignment.Mode} a worker pushes step s only after pulling version s.");
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
            long version = state.Version;
            try
            {
                await CheckpointAsync(version);
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
