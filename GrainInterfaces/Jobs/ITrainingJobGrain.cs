namespace OrleansML.Jobs;

/// <summary>
/// The coordinator of one training job (key: the job id). It drives epochs over the workers and shards,
/// persists its progress after every epoch, and keeps a durable reminder while the job runs, so that if its
/// silo dies it resumes on another silo from its last persisted epoch without the client doing anything.
/// </summary>
[Alias("OrleansML.ITrainingJobGrain")]
public interface ITrainingJobGrain : IGrainWithStringKey
{
    /// <summary>Validates and starts the job. Starting again with an equal spec returns the current status;
    /// with a different spec it throws <see cref="TrainingSpecException"/> (field <c>jobId</c>).</summary>
    Task<JobStatus> StartAsync(TrainingSpec spec);

    /// <summary>Pauses at the next epoch boundary.</summary>
    Task<JobStatus> PauseAsync();

    /// <summary>Resumes a paused job.</summary>
    Task<JobStatus> ResumeAsync();

    /// <summary>Cancels the job: the epoch in flight is abandoned and the state becomes Cancelled.</summary>
    Task<JobStatus> CancelAsync();

    /// <summary>The current status.</summary>
    /// <exception cref="InvalidOperationException">The job was never started.</exception>
    Task<JobStatus> GetStatusAsync();

    /// <summary>Returns as soon as the status' revision exceeds <paramref name="afterRevision"/>, or after
    /// <paramref name="maximumWait"/> with the current status (a long poll: the progress stream).</summary>
    /// <exception cref="InvalidOperationException">The job was never started (so no change would ever come).</exception>
    Task<JobStatus> WatchAsync(long afterRevision, TimeSpan maximumWait);

    /// <summary>The spec the job runs (null before it was started).</summary>
    Task<TrainingSpec?> GetSpecAsync();
}
