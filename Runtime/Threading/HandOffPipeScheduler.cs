using System.IO.Pipelines;

namespace OrleansML.Runtime.Threading;

/// <summary>
/// Schedules the send loop (an output pipe's reader) without waking a thread where it can
/// (<see cref="ReceiveThreadWork"/>): on a thread running a receive thread's hand-off (a turn replying to the
/// request it just read) the idle send loop resumes at once, inline, and the reply leaves in this thread's syscall;
/// on a receive thread handling frames it is taken for later; elsewhere it goes to the thread pool.
/// </summary>
internal sealed class HandOffPipeScheduler : PipeScheduler
{
    public static readonly HandOffPipeScheduler Instance = new();

    private HandOffPipeScheduler()
    {
    }

    public override void Schedule(Action<object?> action, object? state)
    {
        if (ReceiveThreadWork.IsRunningHandOff)
        {
            action(state);
        }
        else if (!ReceiveThreadWork.TryTake(action, state))
        {
            // Fully qualified: inside a PipeScheduler, ThreadPool names PipeScheduler.ThreadPool.
            System.Threading.ThreadPool.UnsafeQueueUserWorkItem(action, state, preferLocal: false);
        }
    }
}
