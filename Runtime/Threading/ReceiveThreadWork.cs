using System.Diagnostics;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace OrleansML.Runtime.Threading;

/// <summary>
/// Hand-offs that a connection's receive thread takes on itself. Handling a frame makes work for another thread: a
/// grain's turn for a request, the caller's continuation for a response, then the send loop for what that work
/// sends. Each hand-off to the thread pool wakes a thread, which on a VM costs the waker 11-15 us and the woken work
/// 50-75 us (<c>Benchmarks -- step-costs</c>). But once the receive loop's next socket read is pending, the receive
/// thread would go idle: so it runs that work itself (<see cref="WhilePending"/>).
/// </summary>
/// <remarks>
/// Invariants:
/// <list type="bullet">
/// <item>Nothing waits for the receive thread meanwhile. The work runs only after the receive loop's continuation
/// is registered with the pending read, so bytes that arrive resume the loop on another pool thread: a long turn
/// run here delays no later frame of the connection.</item>
/// <item>Only the first hand-off of a frame batch is taken: work for several activations still runs in parallel on
/// the pool. A read that completes at once releases what was taken to the pool.</item>
/// <item>Nothing is taken while taken work runs: grain code there may block on another activation's work (it
/// should not, but it must not hang when it does), and that work would then wait for this very thread. A send made
/// there resumes the idle send loop at once on this thread instead (<see cref="HandOffPipeScheduler"/>), so the
/// reply leaves without a thread woken and without waiting for the run to yield.</item>
/// <item>Taken work runs under a clean execution context, as a pool work item would: the receive loop's context may
/// carry the async-locals of whichever call opened the connection.</item>
/// </list>
/// A collector belongs to one receive loop; a runner (one per thread) holds the work while it runs, so the receive
/// loop, resumed elsewhere, never shares fields with a run.
/// </remarks>
internal sealed class ReceiveThreadWork
{
    private static readonly ContextCallback s_run = static self => ((ReceiveThreadWork)self!).RunCurrent();

    [ThreadStatic]
    private static ReceiveThreadWork? t_collector;

    [ThreadStatic]
    private static ReceiveThreadWork? t_runner;

    [ThreadStatic]
    private static bool t_inRun;

    // The hand-off taken (an item, or a callback with its state): fields rather than an object per hand-off, since
    // this sits on every call's path.
    private IThreadPoolWorkItem? _item;
    private Action<object?>? _callback;
    private object? _state;
    private bool _running;

    private bool HasTaken => _item is not null || _callback is not null;

    /// <summary>Whether this thread is running a taken hand-off.</summary>
    public static bool IsRunningHandOff => t_inRun;

    /// <summary>Takes <paramref name="item"/> for the receive loop collecting on this thread, if it has taken
    /// nothing yet; false means the caller queues it to the thread pool as usual.</summary>
    public static bool TryTake(IThreadPoolWorkItem item)
    {
        ReceiveThreadWork? collector = t_collector;
        if (collector is null || collector.HasTaken)
        {
            return false;
        }

        collector._item = item;
        return true;
    }

    /// <summary>As <see cref="TryTake(IThreadPoolWorkItem)"/>, for a scheduler callback.</summary>
    public static bool TryTake(Action<object?> callback, object? state)
    {
        ReceiveThreadWork? collector = t_collector;
        if (collector is null || collector.HasTaken)
        {
            return false;
        }

        collector._callback = callback;
        collector._state = state;
        return true;
    }

    /// <summary>Flushes the receive loop's <paramref name="writer"/>, collecting the first hand-off made on this
    /// thread meanwhile: the frame reader runs inside the flush when its pipe's reader scheduler is inline.</summary>
    public ValueTask<FlushResult> FlushCollecting(PipeWriter writer)
    {
        // Restored before the flush's task is awaited: the collector must never outlive this synchronous call on the
        // thread (a flush can nest another receive loop, whose collector is restored the same way).
        ReceiveThreadWork? outer = t_collector;
        t_collector = this;
        try
        {
            return writer.FlushAsync();
        }
        finally
        {
            t_collector = outer;
        }
    }

    /// <summary>Queues what was taken to the thread pool (a read completed at once, or the loop ends).</summary>
    public void Release()
    {
        if (!HasTaken)
        {
            return;
        }

        IThreadPoolWorkItem? item = _item;
        Action<object?>? callback = _callback;
        object? state = _state;
        (_item, _callback, _state) = (null, null, null);
        if (item is not null)
        {
            System.Threading.ThreadPool.UnsafeQueueUserWorkItem(item, preferLocal: false);
        }
        else
        {
            System.Threading.ThreadPool.UnsafeQueueUserWorkItem(callback!, state, preferLocal: false);
        }
    }

    /// <summary>Awaits <paramref name="read"/>. If it is pending, the work taken so far runs on this thread once the
    /// loop's continuation is registered; if it completed at once (more bytes were waiting), the work goes to the
    /// pool when the loop takes the result.</summary>
    public PendingRead WhilePending(ValueTask<int> read) => new(read, this);

    /// <summary>Moves the taken work to this thread's runner, which <see cref="RunTaken"/> runs; null when nothing
    /// was taken, or when the runner is busy (a receive loop resumed inside a run) and the work went to the pool.
    /// Called before the continuation is registered: from then on the receive loop may use this collector elsewhere.</summary>
    private ReceiveThreadWork? MoveToRunner()
    {
        if (!HasTaken)
        {
            return null;
        }

        ReceiveThreadWork runner = t_runner ??= new ReceiveThreadWork();
        if (runner._running)
        {
            Release();
            return null;
        }

        Debug.Assert(!runner.HasTaken, "an idle runner holds nothing");
        (runner._item, runner._callback, runner._state) = (_item, _callback, _state);
        (_item, _callback, _state) = (null, null, null);
        return runner;
    }

    /// <summary>Runs the taken hand-off, collecting nothing meanwhile.</summary>
    private void RunTaken()
    {
        _running = true;
        bool outerRun = t_inRun;
        t_inRun = true;
        ReceiveThreadWork? outer = t_collector;
        t_collector = null;
        try
        {
            ExecutionContext.Run(CleanContext.Instance, s_run, this);
        }
        catch (Exception ex)
        {
            // A pool work item that throws ends the process: keep that rule, rather than end a connection.
            ExceptionDispatchInfo failure = ExceptionDispatchInfo.Capture(ex);
            System.Threading.ThreadPool.UnsafeQueueUserWorkItem(static f => f.Throw(), failure, preferLocal: false);
        }
        finally
        {
            t_collector = outer;
            t_inRun = outerRun;
            _running = false;
        }
    }

    /// <summary>Runs the taken hand-off.</summary>
    private void RunCurrent()
    {
        IThreadPoolWorkItem? item = _item;
        Action<object?>? callback = _callback;
        object? state = _state;
        (_item, _callback, _state) = (null, null, null);
        if (item is not null)
        {
            item.Execute();
        }
        else
        {
            Debug.Assert(callback is not null, "a hand-off is an item or a callback");
            callback(state);
        }
    }

    /// <summary>The awaitable of <see cref="WhilePending"/>.</summary>
    internal readonly struct PendingRead(ValueTask<int> read, ReceiveThreadWork work) : ICriticalNotifyCompletion
    {
        public bool IsCompleted => read.IsCompleted;

        public PendingRead GetAwaiter() => this;

        public int GetResult()
        {
            work.Release();
            return read.ConfigureAwait(false).GetAwaiter().GetResult();
        }

        public void OnCompleted(Action continuation)
        {
            ReceiveThreadWork? runner = work.MoveToRunner();
            read.ConfigureAwait(false).GetAwaiter().OnCompleted(continuation);
            runner?.RunTaken();
        }

        public void UnsafeOnCompleted(Action continuation)
        {
            // The continuation is registered before the work runs: bytes arriving from then on resume the receive
            // loop on another thread, not behind this work.
            ReceiveThreadWork? runner = work.MoveToRunner();
            read.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(continuation);
            runner?.RunTaken();
        }
    }
}
