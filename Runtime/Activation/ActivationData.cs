using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OrleansML.Runtime.Directory;
using OrleansML.Runtime.Invocation;
using OrleansML.Runtime.Messaging;
using OrleansML.Runtime.Persistence;
using OrleansML.Runtime.Timers;

namespace OrleansML.Runtime.Activation;

/// <summary>
/// One activation: its grain, its mailbox and admission rules, and its lifecycle
/// (Creating → Activating → Valid → Deactivating → Invalid). All mutable state is guarded by one lock;
/// grain code runs outside it, on the activation's own scheduler.
/// </summary>
/// <remarks>
/// Invariants (asserted): requests run only while Valid; a non-reentrant activation runs more than one
/// request at a time only for read-only pairs, always-interleave methods or the same call chain; once
/// Deactivating, nothing new is admitted.
/// </remarks>
internal sealed partial class ActivationData : IGrainContext
{
    private readonly ActivationServices _shared;
    private readonly Catalog _catalog;
    private readonly Lock _gate = new();
    private readonly Queue<ActivationWorkItem> _waiting = new();
    private readonly List<ActivationWorkItem> _running = [];
    private readonly List<GrainTimer> _timers = [];
    private readonly List<Func<CancellationToken, Task>> _stateLoaders = [];
    private readonly ActivationTaskScheduler _scheduler = new();
    private readonly TaskCompletionSource _deactivated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Grain? _grain;
    private bool _deactivationRequested;
    private DeactivationReason _deactivationReason;

    public ActivationData(GrainId grainId, GrainClassMetadata grainClass, ActivationServices shared, Catalog catalog)
    {
        GrainId = grainId;
        GrainClass = grainClass;
        _shared = shared;
        _catalog = catalog;
        Address = new GrainAddress(grainId, shared.LocalSilo.SiloAddress, Guid.NewGuid());
        LastActive = shared.Time.GetTimestamp();
    }

    public GrainId GrainId { get; }

    public GrainClassMetadata GrainClass { get; }

    public GrainAddress Address { get; }

    public ActivationState State { get; private set; } = ActivationState.Creating;

    /// <summary>The directory owner this activation last registered with (re-registration on ring changes).</summary>
    public SiloAddress? RegisteredOwner { get; private set; }

    /// <summary><see cref="TimeProvider.GetTimestamp"/> of the last request admitted or completed.</summary>
    public long LastActive { get; private set; }

    /// <summary>Completes when the activation is Invalid.</summary>
    public Task Deactivated => _deactivated.Task;

    public int QueueLength
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count;
            }
        }
    }

    public bool IsIdle
    {
        get
        {
            lock (_gate)
            {
                return State == ActivationState.Valid && _running.Count == 0 && _waiting.Count == 0 && !_deactivationRequested;
            }
        }
    }

    SiloAddress IGrainContext.Silo => Address.Silo;

    public IGrainFactory GrainFactory => _shared.RuntimeClient.GrainFactory;

    public IServiceProvider Services => _shared.Services;

    /// <summary>Queues a request (the caller re-dispatches when the activation is already Invalid).</summary>
    public EnqueueResult Enqueue(Message message) => Enqueue(ActivationWorkItem.ForRequest(message), countsAsActivity: true);

    public bool EnqueueTimerTick(GrainTimer timer) => Enqueue(ActivationWorkItem.ForTimer(timer), countsAsActivity: false) == EnqueueResult.Accepted;

    private EnqueueResult Enqueue(ActivationWorkItem item, bool countsAsActivity)
    {
        EnqueueResult result = EnqueueLocked(item, countsAsActivity, out bool admitted);
        if (admitted)
        {
            // Outside the lock: on a local call the turn may run right here (StartRequestOnScheduler).
            StartRequestOnScheduler(new ActivationWorkItemRun(this, item).RunAsync);
        }

        return result;
    }

    private EnqueueResult EnqueueLocked(ActivationWorkItem item, bool countsAsActivity, out bool admitted)
    {
        admitted = false;
        lock (_gate)
        {
            if (State == ActivationState.Invalid)
            {
                return EnqueueResult.Invalid;
            }

            bool mayBypassQueue = _waiting.Count == 0 || item.IsAlwaysInterleave || IsInRunningChain(item);
            if (State == ActivationState.Valid && !_deactivationRequested && mayBypassQueue && MayRunNow(item))
            {
                Admit(item);
                admitted = true;
            }
            else if (item.Message is null && State != ActivationState.Valid)
            {
                return EnqueueResult.Invalid; // a timer tick while not serving is dropped
            }
            else if (item.Message is not null && _waiting.Count >= _shared.Options.MaxQueuedRequestsPerActivation)
            {
                // Only requests that would wait count against the limit; one that runs now never does.
                return EnqueueResult.Overloaded;
            }
            else
            {
                _waiting.Enqueue(item);
            }

            if (countsAsActivity)
            {
                LastActive = _shared.Time.GetTimestamp();
            }

            return EnqueueResult.Accepted;
        }
    }

    /// <summary>The admission predicate (call with the lock held).</summary>
    private bool MayRunNow(ActivationWorkItem item)
    {
        if (_running.Count == 0 || GrainClass.IsReentrant || item.IsAlwaysInterleave || IsInRunningChain(item))
        {
            return true;
        }

        return item.IsReadOnly && _running.TrueForAll(r => r.IsReadOnly);
    }

    private bool IsInRunningChain(ActivationWorkItem item) =>
        item.CallChainId != Guid.Empty && _running.Exists(r => r.CallChainId == item.CallChainId);

    private void Start(ActivationWorkItem item)
    {
        Admit(item);
        _ = RunOnScheduler(new ActivationWorkItemRun(this, item).RunAsync);
    }

    /// <summary>Counts <paramref name="item"/> as running (call with the lock held); the caller then schedules it.</summary>
    private void Admit(ActivationWorkItem item)
    {
        Debug.Assert(State == ActivationState.Valid, "requests run only while Valid");
        _running.Add(item);
        AssertInvariants();
    }

    /// <summary>
    /// Runs grain code on the activation's scheduler. The caller's execution context does not flow: work is
    /// often started by another activation's turn (a local call, a completed request), and its call chain
    /// must not leak into this activation's turns or the calls they make.
    /// </summary>
    private Task RunOnScheduler(Func<Task> work)
    {
        using (ExecutionContext.SuppressFlow())
        {
            return Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, _scheduler).Unwrap();
        }
    }

    /// <summary>As <see cref="RunOnScheduler"/> for a request's turn, which may run at once on a calling turn's thread
    /// (see <see cref="ActivationTaskScheduler.StartRequest"/>). Call without the lock held: the turn may run here.</summary>
    private void StartRequestOnScheduler(Func<Task> work)
    {
        Task<Task> start;
        using (ExecutionContext.SuppressFlow())
        {
            start = new Task<Task>(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach);
        }

        _scheduler.StartRequest(start);
    }

    private void Pump()
    {
        while (_waiting.Count > 0 && !_deactivationRequested && MayRunNow(_waiting.Peek()))
        {
            Start(_waiting.Dequeue());
        }
    }

    private async Task RunItemAsync(ActivationWorkItem item)
    {
        try
        {
            if (item.Timer is not null)
            {
                await RunTimerAsync(item.Timer);
            }
            else
            {
                await InvokeRequestAsync(item.Message!);
            }
        }
        finally
        {
            OnCompleted(item);
        }
    }

    private void OnCompleted(ActivationWorkItem item)
    {
        bool deactivateNow = false;
        lock (_gate)
        {
            bool removed = _running.Remove(item);
            Debug.Assert(removed, "a completed item was running");
            if (item.Message is not null)
            {
                LastActive = _shared.Time.GetTimestamp();
            }

            if (_deactivationRequested && _running.Count == 0 && State == ActivationState.Valid)
            {
                State = ActivationState.Deactivating;
                deactivateNow = true;
            }
            else
            {
                Pump();
            }
        }

        if (deactivateNow)
        {
            _ = DeactivateAsync();
        }
    }

    /// <summary>Checks the admission invariant with the lock held: on a non-reentrant grain, running items
    /// share a call chain, or are all read-only, or the extra ones are always-interleave.</summary>
    [Conditional("DEBUG")]
    private void AssertInvariants()
    {
        Debug.Assert(_gate.IsHeldByCurrentThread, "invariants are checked under the lock");
        if (GrainClass.IsReentrant || _running.Count <= 1)
        {
            return;
        }

        int ordinary = _running.Count(r => !r.IsAlwaysInterleave);
        bool allReadOnly = _running.TrueForAll(r => r.IsReadOnly || r.IsAlwaysInterleave);
        bool oneChain = _running.Where(r => !r.IsAlwaysInterleave).Select(r => r.CallChainId).Distinct().Count() <= 1;
        Debug.Assert(ordinary <= 1 || allReadOnly || oneChain, "a non-reentrant activation runs two writing requests of different call chains");
    }

    private sealed class ActivationWorkItemRun(ActivationData activation, ActivationWorkItem item)
    {
        public Task RunAsync() => activation.RunItemAsync(item);
    }
}
