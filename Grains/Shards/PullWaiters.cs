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
/// The shard's waiting pulls. Only grain turns add, release, fail and remove waiters (the timeout is the
/// waiting turn's own <c>WaitAsync</c>, which removes its waiter in a <c>finally</c>), so the list needs no
/// lock, and a pull that times out or fails leaves nothing behind.
/// </summary>
internal sealed class PullWaiters
{
    private readonly List<PullWaiter> _waiters = [];

    public int Count => _waiters.Count;

    public PullWaiter Add(long attempt, long minimumVersion, long? clock)
    {
        var waiter = new PullWaiter(attempt, minimumVersion, clock);
        _waiters.Add(waiter);
        return waiter;
    }

    public void Remove(PullWaiter waiter) => _waiters.Remove(waiter);

    /// <summary>Lets through every waiter <paramref name="mayProceed"/> accepts.</summary>
    public void Release(Func<PullWaiter, bool> mayProceed)
    {
        foreach (PullWaiter waiter in _waiters)
        {
            if (!waiter.Completion.Task.IsCompleted && mayProceed(waiter))
            {
                waiter.Completion.TrySetResult();
            }
        }
    }

    /// <summary>Fails every waiter whose attempt is not <paramref name="keepAttempt"/> (null: all of them).</summary>
    public void Fail(long? keepAttempt, Func<PullWaiter, Exception> error)
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
