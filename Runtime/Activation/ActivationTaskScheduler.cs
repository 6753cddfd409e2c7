using System.Diagnostics;
using System.Collections.Concurrent;
using OrleansML.Runtime.Threading;

namespace OrleansML.Runtime.Activation;

/// <summary>
/// Runs an activation's work one task at a time on the thread pool: a queue and a single drain loop that
/// is scheduled only while there is work (no thread per activation). The drain may instead run on the receive
/// thread whose frame made the work (ReceiveThreadWork), or a request on its calling turn's thread (StartRequest). Grain code's awaits resume here
/// (they capture <see cref="TaskScheduler.Current"/>), so an activation's turns never run in parallel,
/// even when its requests interleave.
/// </summary>
internal sealed class ActivationTaskScheduler : TaskScheduler, IThreadPoolWorkItem
{
    /// <summary>Tasks run per drain before yielding the thread to other work (fairness between activations).</summary>
    private const int TasksPerQuantum = 64;

    /// <summary>How deep request starts may nest on one thread (a turn starting a request that starts a request).</summary>
    private const int MaxInlineDepth = 2;

    private static readonly ContextCallback s_runTask = static task => t_running!.TryExecuteTask((Task)task!);

    [ThreadStatic]
    private static ActivationTaskScheduler? t_running;

    [ThreadStatic]
    private static int t_inlineDepth;

    [ThreadStatic]
    private static bool t_offerInline;

    private readonly ConcurrentQueue<Task> _tasks = new();
    private int _scheduled;

    public int QueuedCount => _tasks.Count;

    public override int MaximumConcurrencyLevel => 1;

    /// <summary>
    /// Starts a request's first task. When this thread is running another activation's turn (a local call) and this
    /// activation has no drain queued or running, the task runs here and now: the calling turn would only await it,
    /// and handing it to the thread pool costs a thread wake-up (tens of microseconds on a VM) per call. The request
    /// runs up to its first await, then the caller goes on; its continuations are scheduled as usual.
    /// </summary>
    public void StartRequest(Task task)
    {
        t_offerInline = t_running is not null && t_running != this && t_inlineDepth < MaxInlineDepth;
        try
        {
            task.Start(this);
        }
        finally
        {
            t_offerInline = false;
        }
    }

    protected override void QueueTask(Task task)
    {
        if (t_offerInline)
        {
            t_offerInline = false;
            if (Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
            {
                RunInline(task);
                return;
            }
        }

        _tasks.Enqueue(task);
        if (Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
        {
            Schedule();
        }
    }

    // Never inline: running a task on the caller's thread could overlap with the drain loop.
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

    protected override IEnumerable<Task> GetScheduledTasks() => [.. _tasks];

    void IThreadPoolWorkItem.Execute()
    {
        ActivationTaskScheduler? outer = t_running;
        t_running = this;
        try
        {
            for (int i = 0; i < TasksPerQuantum && _tasks.TryDequeue(out Task? task); i++)
            {
                TryExecuteTask(task);
            }
        }
        finally
        {
            t_running = outer;
            Release();
        }
    }

    /// <summary>Runs <paramref name="task"/> on this thread; the caller set the drain flag, so nothing else runs this
    /// activation's tasks meanwhile (tasks queued during the run wait in the queue and are scheduled afterwards).</summary>
    private void RunInline(Task task)
    {
        Debug.Assert(Volatile.Read(ref _scheduled) == 1, "the inline run holds the drain flag");
        ActivationTaskScheduler? outer = t_running;
        t_running = this;
        t_inlineDepth++;
        try
        {
            // t_running is this scheduler for the callback: no per-call closure or boxed state on the local-call path.
            ExecutionContext.Run(CleanContext.Instance, s_runTask, task);
        }
        finally
        {
            t_inlineDepth--;
            t_running = outer;
            Release();
        }
    }

    /// <summary>Clears the drain flag, then reschedules if a task was queued while it was set (it would otherwise
    /// wait forever).</summary>
    private void Release()
    {
        Volatile.Write(ref _scheduled, 0);
        if (!_tasks.IsEmpty && Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
        {
            Schedule();
        }
    }

    /// <summary>Hands the drain to the thread pool, or to the receive thread that is handling the frame which made
    /// this work (it runs the drain once its next read is pending, with no thread woken: see ReceiveThreadWork).</summary>
    private void Schedule()
    {
        if (!ReceiveThreadWork.TryTake(this))
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }
}
