using Orleans.Serialization.Invocation;

namespace OrleansML.Training.Tests.Faults;

/// <summary>
/// Holds one job's calls on one silo, so that a kill of that silo lands while the job has calls in flight there, at
/// a chosen point of training, as a crash would. Without it a kill usually lands between calls: the runtime places
/// the next call on a live silo, a stateless worker (or an L-BFGS shard, which the coordinator rewrites every round)
/// moves without any call failing, and the test proves nothing. Every silo of a fault cluster runs the freeze's
/// filters (incoming and outgoing calls); one <see cref="CallFreeze"/> serves them all.
/// </summary>
internal sealed class CallFreeze
{
    private readonly Lock _gate = new();
    private string? _silo;
    private string? _jobPrefix;
    private long? _fromStep;
    private TaskCompletionSource _caught = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// From now on, holds calls to or from job <paramref name="jobId"/>'s workers and shards on <paramref name="silo"/>
    /// until <see cref="Release"/>: with <paramref name="fromStep"/>, only pushes and pulls of that step (or round,
    /// under model averaging) or later; without, every call. Completes when the first call is held.
    /// </summary>
    public Task ArmAsync(InProcessSiloHandle silo, string jobId, long? fromStep)
    {
        lock (_gate)
        {
            _silo = silo.Name;
            _jobPrefix = jobId + "/";
            _fromStep = fromStep;
            _caught = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _caught.Task;
        }
    }

    /// <summary>Fails every held call (their silo is dead by now, so no caller sees this error) and disarms.</summary>
    public void Release()
    {
        lock (_gate)
        {
            _silo = null;
            _jobPrefix = null;
            _released.TrySetException(new InvalidOperationException("the call was held until its silo was killed"));
        }
    }

    /// <summary>The incoming-call filter of silo <paramref name="siloName"/>.</summary>
    public IIncomingGrainCallFilter IncomingFilterFor(string siloName) => new IncomingFilter(this, siloName);

    /// <summary>The outgoing-call filter of silo <paramref name="siloName"/>.</summary>
    public IOutgoingGrainCallFilter OutgoingFilterFor(string siloName) => new OutgoingFilter(this, siloName);

    private Task? HoldIfArmed(string siloName, GrainId? grain, IInvokable request)
    {
        lock (_gate)
        {
            if (_silo != siloName || _jobPrefix is null || grain is not { } id || !id.Key.ToString()!.StartsWith(_jobPrefix, StringComparison.Ordinal))
            {
                return null;
            }

            if (_fromStep is long from && !(StepOf(request) >= from))
            {
                return null;
            }

            _caught.TrySetResult();
            return _released.Task;
        }
    }

    /// <summary>The step (model averaging: the round) a push or pull is for, or null for other calls.</summary>
    private static long? StepOf(IInvokable request)
    {
        long? step = null;
        for (int i = 0; i < request.GetArgumentCount(); i++)
        {
            long? argument = request.GetArgument(i) switch
            {
                GradientPush push => push.Step,
                PullRequest pull => pull.Step,
                _ => null,
            };
            step = argument > step || step is null ? argument : step;
        }

        return step;
    }

    private sealed class IncomingFilter(CallFreeze freeze, string siloName) : IIncomingGrainCallFilter
    {
        public async Task Invoke(IIncomingGrainCallContext context)
        {
            if (freeze.HoldIfArmed(siloName, context.TargetId, context.Request) is { } held)
            {
                await held;
            }

            await context.Invoke();
        }
    }

    private sealed class OutgoingFilter(CallFreeze freeze, string siloName) : IOutgoingGrainCallFilter
    {
        public async Task Invoke(IOutgoingGrainCallContext context)
        {
            if (freeze.HoldIfArmed(siloName, context.SourceId, context.Request) is { } held)
            {
                await held;
            }

            await context.Invoke();
        }
    }
}
