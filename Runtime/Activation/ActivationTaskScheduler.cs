using System.Collections.Concurrent;

namespace OrleansML.Runtime.Activation;

/// <summary>
/// Runs an activation's work one task at a time on the thread pool: a queue and a single drain loop that
/// is scheduled only while there is work (no thread per activation). Grain code's awaits resume here
/// (they capture <see cref="TaskScheduler.Current"/>), so an activation's turns never run in parallel,
/// even when its requests interleave.
/// </summary>
internal sealed class ActivationTaskScheduler : TaskScheduler, IThreadPoolWorkItem
{
    /// <summary>Tasks run per drain before yielding the thread to other work (fairness between activations).</summary>
    private const int TasksPerQuantum = 64;

    private readonly ConcurrentQueue<Task> _tasks = new();
    private int _scheduled;

    public int QueuedCount => _tasks.Count;

    public override int MaximumConcurrencyLevel => 1;

    protected override void QueueTask(Task task)
    {
        _tasks.Enqueue(task);
        if (Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    // Never inline: running a task on the caller's thread could overlap with the drain loop.
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

    protected override IEnumerable<Task> GetScheduledTasks() => [.. _tasks];

    void IThreadPoolWorkItem.Execute()
    {
        for (int i = 0; i < TasksPerQuantum && _tasks.TryDequeue(out Task? task); i++)
        {
            TryExecuteTask(task);
        }

        Volatile.Write(ref _scheduled, 0);

        // A task queued after the loop ended but before the flag cleared would otherwise wait forever.
        if (!_tasks.IsEmpty && Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }
}
