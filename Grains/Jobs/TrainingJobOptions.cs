namespace OrleansML.Grains.Jobs;

/// <summary>Settings of the training-job coordinator, the same for every job a silo runs.</summary>
public sealed class TrainingJobOptions
{
    /// <summary>Period of the durable reminder that resumes a running job whose silo died. Default 1 minute:
    /// the longest a job stays stopped after its coordinator's silo dies, unless a client call wakes it first.</summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Pause before retrying a failed epoch attempt, so membership can declare a dead silo and calls
    /// are placed on live ones. Default 2 s.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one worker run call lasts at most before it returns mid-epoch. Must stay well below the
    /// runtime's response timeout. Default 3 s.</summary>
    public TimeSpan WorkerRunSlice { get; set; } = TimeSpan.FromSeconds(3);

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

        if (WorkerRunSlice <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(WorkerRunSlice), WorkerRunSlice, "TrainingJobOptions.WorkerRunSlice must be positive.");
        }
    }
}
