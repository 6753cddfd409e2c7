namespace OrleansML.Grains.Shards;

/// <summary>A pull waiting for the shard's published version or SSP's staleness bound.</summary>
internal sealed class PullWaiter(long attempt, long minimumVersion, long? clock)
{
    public long Attempt { get; } = attempt;

    public long MinimumVersion { get; } = minimumVersion;

    /// <summary>SSP: the pulling worker's clock; null when the pull waits for a version.</summary>
    public long? Clock { get; } = clock;

    /// <summary>Completes (continuations run asynchronously, on the grain's scheduler via await) when the pull
    /// may proceed, or faults when it must fail.</summary>
    public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// The shard's waiting pulls. Adding, releasing and failing happen in the shard's turns; removing happens in the
/// waiting pull's own <c>finally</c> (after its timeout, release or failure), so a pull that times out or fails leaves
/// nothing behind. Continuations run asynchronously: under Orleans they are queued as later turns, but where no grain
/// scheduler orders them (<see cref="ShardCore"/> driven by unit tests) a removal can run on another thread while a
/// turn releases or fails waiters. So the list is locked; release and failure walk it under the lock without a copy
/// (every publish releases, so a copy would allocate per step), which is safe because completing a waiter never runs
/// its continuation inline. Grain turns never contend for the lock.
/// </summary>
internal sealed class PullWaiters
{
    private readonly List<PullWaiter> _waiters = [];
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _waiters.Count;
            }
        }
    }

    public PullWaiter Add(long attempt, long minimumVersion, long? clock)
    {
        var waiter = new PullWaiter(attempt, minimumVersion, clock);
        lock (_lock)
        {
            _waiters.Add(waiter);
        }

        return waiter;
    }

    public void Remove(PullWaiter waiter)
    {
        lock (_lock)
        {
            _waiters.Remove(waiter);
        }
    }

    /// <summary>Lets through every waiter <paramref name="mayProceed"/> accepts.</summary>
    public void Release(Func<PullWaiter, bool> mayProceed)
    {
        lock (_lock)
        {
            foreach (PullWaiter waiter in _waiters)
            {
                if (!waiter.Completion.Task.IsCompleted && mayProceed(waiter))
                {
                    waiter.Completion.TrySetResult();
                }
            }
        }
    }

    /// <summary>Fails every waiter whose attempt is not <paramref name="keepAttempt"/> (null: all of them).</summary>
    public void Fail(long? keepAttempt, Func<PullWaiter, Exception> error)
    {
        lock (_lock)
        {
            foreach (PullWaiter waiter in _waiters)
            {
                if (keepAttempt != waiter.Attempt)
                {
                    waiter.Completion.TrySetException(error(waiter));
                }
            }
        }
    }
}
