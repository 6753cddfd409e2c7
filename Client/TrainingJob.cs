using System.Runtime.CompilerServices;
using OrleansML.Jobs;
using Orleans.Runtime.Messaging;
using OrleansML.Learning.Models.Files;

namespace OrleansML.Client;

/// <summary>
/// A handle on one training job. Status calls go to the job's coordinator grain; <see cref="WatchAsync"/>
/// follows its progress with long polls and rides out the coordinator moving to another silo.
/// </summary>
public sealed class TrainingJob
{
    private static readonly TimeSpan s_firstRetryDelay = TimeSpan.FromMilliseconds(200);
    private readonly OrleansMLClient _client;
    private readonly TimeProvider _time;

    internal TrainingJob(OrleansMLClient client, ITrainingJobGrain grain, string jobId, TimeProvider time)
    {
        _client = client;
        Grain = grain;
        JobId = jobId;
        _time = time;
    }

    /// <summary>The job's id.</summary>
    public string JobId { get; }

    internal ITrainingJobGrain Grain { get; }

    /// <summary>The current status.</summary>
    public Task<JobStatus> GetStatusAsync(CancellationToken cancellationToken = default) => Grain.GetStatusAsync().WaitAsync(cancellationToken);

    /// <summary>The spec the job runs (null if it was never started).</summary>
    public Task<TrainingSpec?> GetSpecAsync(CancellationToken cancellationToken = default) => Grain.GetSpecAsync().WaitAsync(cancellationToken);

    /// <summary>Pauses the job at the next epoch boundary.</summary>
    public Task<JobStatus> PauseAsync(CancellationToken cancellationToken = default) => Grain.PauseAsync().WaitAsync(cancellationToken);

    /// <summary>Resumes a paused job.</summary>
    public Task<JobStatus> ResumeAsync(CancellationToken cancellationToken = default) => Grain.ResumeAsync().WaitAsync(cancellationToken);

    /// <summary>Cancels the job.</summary>
    public Task<JobStatus> CancelAsync(CancellationToken cancellationToken = default) => Grain.CancelAsync().WaitAsync(cancellationToken);

    /// <summary>
    /// Yields the job's status now and after every change (each revision at most once, in order), and ends
    /// after a final state. A poll that fails because a silo died or a call timed out is retried with a
    /// backoff (200 ms doubling to <see cref="OrleansMLClientOptions.WatchRetryMaximumDelay"/>), at most
    /// <see cref="OrleansMLClientOptions.WatchMaximumRetries"/> times in a row; then the last error is thrown.
    /// </summary>
    public async IAsyncEnumerable<JobStatus> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        OrleansMLClientOptions options = _client.Options;
        long seen = -1;
        int failures = 0;
        while (true)
        {
            JobStatus status;
            try
            {
                status = await Grain.WatchAsync(seen, options.WatchPollInterval).WaitAsync(cancellationToken);
                failures = 0;
            }
            catch (Exception exception) when (IsTransient(exception) && !cancellationToken.IsCancellationRequested && failures < options.WatchMaximumRetries)
            {
                failures++;
                await Task.Delay(RetryDelay(failures, options.WatchRetryMaximumDelay), _time, cancellationToken);
                continue;
            }

            if (status.Revision > seen)
            {
                seen = status.Revision;
                yield return status;
            }

            if (status.IsFinal)
            {
                yield break;
            }
        }
    }

    /// <summary>Waits for a final state and returns that status. It does not throw when the job failed or was
    /// cancelled: look at <see cref="JobStatus.State"/> and <see cref="JobStatus.FailureReason"/>.</summary>
    public async Task<JobStatus> WaitForCompletionAsync(CancellationToken cancellationToken = default)
    {
        JobStatus? last = null;
        await foreach (JobStatus status in WatchAsync(cancellationToken))
        {
            last = status;
        }

        return last ?? throw new InvalidOperationException($"job '{JobId}' ended its watch without a status.");
    }

    /// <summary>The model the job saved (it must be Completed).</summary>
    /// <exception cref="InvalidOperationException">The job has not saved a model.</exception>
    public async Task<SavedModel> GetModelAsync(CancellationToken cancellationToken = default)
    {
        JobStatus status = await GetStatusAsync(cancellationToken);
        if (status.ModelName is null || status.ModelVersion is null)
        {
            throw new InvalidOperationException($"job '{JobId}' is {status.State} and has saved no model{(status.FailureReason is null ? "" : ": " + status.FailureReason)}.");
        }

        return await _client.GetModelAsync(status.ModelName, status.ModelVersion.Value, cancellationToken);
    }

    /// <summary>The pause before retry number <paramref name="failures"/> (1-based): 200 ms doubling, capped.</summary>
    internal static TimeSpan RetryDelay(int failures, TimeSpan maximum)
    {
        double milliseconds = s_firstRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 20));
        return TimeSpan.FromMilliseconds(Math.Min(milliseconds, maximum.TotalMilliseconds));
    }

    /// <summary>Failures a later poll may not see: the silo died (the coordinator is being reactivated
    /// elsewhere), the gateway was lost or is overloaded, or the call timed out.</summary>
    internal static bool IsTransient(Exception exception) =>
        exception is SiloUnavailableException or OrleansMessageRejectionException or ConnectionFailedException
            or GatewayTooBusyException or TimeoutException;
}
