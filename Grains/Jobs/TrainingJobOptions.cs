namespace OrleansML.Grains.Jobs;

/// <summary>Settings of the training-job coordinator, the same for every job a silo runs.</summary>
public sealed class TrainingJobOptions
{
    /// <summary>Period of the durable reminder that resumes a running job whose silo died. Default 1 minute:
    /// the longest a job stays stopped after its coordinator's silo dies, unless a client call wakes it first.</summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Pause before the first retry of a failed epoch attempt; each further retry of the same epoch waits
    /// twice as long as the one before, up to <see cref="MaxRetryDelay"/>. The retries of an epoch must span the
    /// time membership takes to declare a dead silo dead (until then, calls to its grains keep failing rather than
    /// being placed on live silos). Default 2 s.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest pause between two retries of an epoch. Default 30 s: with the default five retries an
    /// epoch's retries span about a minute, longer than the default membership's death detection.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one worker run call lasts at most before it returns mid-epoch. Must stay well below the
    /// runtime's response timeout. Default 3 s.</summary>
    public TimeSpan WorkerRunSlice { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The pause before retry <paramref name="retry"/> (1-based) of one epoch: exponential backoff.</summary>
    public TimeSpan RetryDelayBefore(int retry)
    {
        Debug.Assert(retry >= 1, "retries count from 1");
        double factor = Math.Pow(2, Math.Min(retry - 1, 30));
        double ticks = Math.Min(RetryDelay.Ticks * factor, MaxRetryDelay.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (ReminderPeriod <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ReminderPeriod), ReminderPeriod, "TrainingJobOptions.ReminderPeriod must be positive.");
        }

        if (RetryDelay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RetryDelay), RetryDelay, "TrainingJobOptions.RetryDelay must not be negative.");
        }

        if (MaxRetryDelay < RetryDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRetryDelay), MaxRetryDelay, $"TrainingJobOptions.MaxRetryDelay must be at least RetryDelay ({RetryDelay}).");
        }

        if (WorkerRunSlice <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(WorkerRunSlice), WorkerRunSlice, "TrainingJobOptions.WorkerRunSlice must be positive.");
        }
    }
}
