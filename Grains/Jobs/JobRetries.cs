using OrleansML.Grains.Diagnostics;

namespace OrleansML.Grains.Jobs;

/// <summary>
/// The one retry policy of the job drivers: an epoch attempt, an L-BFGS evaluation, reading counters or the model,
/// saving it. Each runs again after a failure, with the job's backoff (<see cref="TrainingJobOptions.RetryDelay"/>
/// doubling up to <see cref="TrainingJobOptions.MaxRetryDelay"/>), up to <see cref="OrleansML.Jobs.TrainingSpec.MaxEpochRetries"/>
/// retries. Never when the job is cancelled or a newer coordinator owns its record (that failure propagates as is);
/// never for damaged training data or a diverged model (a retry would read the same data or replay the same
/// batches). A failure that is not retried ends the job with a <see cref="JobFailedException"/> that says why.
/// </summary>
internal static partial class JobRetries
{
    /// <summary>Runs <paramref name="attempt"/> (given its 1-based number) until it succeeds.
    /// <paramref name="afterFailure"/> runs after each failure, before the decision to retry (an epoch aborts the
    /// shards' attempt there).</summary>
    public static async Task<T> RunAsync<T>(
        IJobHost host, string what, Func<int, Task<T>> attempt, CancellationToken cancellationToken, Func<Exception, Task>? afterFailure = null)
    {
        for (int attemptNumber = 1; ; attemptNumber++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return await attempt(attemptNumber);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not OperationCanceledException && !AttemptFailures.IsStaleCoordinator(e))
            {
                if (afterFailure is not null)
                {
                    await afterFailure(e);
                }

                string reason = Describe(e);
                if (AttemptFailures.IsPermanent(e))
                {
                    throw new JobFailedException($"{what} cannot run, the training data is damaged (not retried): {reason}", e);
                }

                if (attemptNumber > host.Record.Spec!.MaxEpochRetries || AttemptFailures.IsDiverged(e))
                {
                    // The wording is matched by the CLI's tests ("epoch N failed K times; last error: ...").
                    throw new JobFailedException($"{what} failed {attemptNumber} times; last error: {reason}", e);
                }

                host.Record.Retries++;
                OrleansMLTelemetry.RetryCounter.Add(1, OrleansMLTelemetry.Tags(host.JobId, host.Record.Spec.Mode, OrleansMLTelemetry.CoordinatorRole));
                host.Record.FailureReason = $"retrying {what} (attempt {attemptNumber + 1}) after: {reason}";
                LogRetry(host.Logger, host.JobId, what, attemptNumber, reason);
                host.Publish();
                await Task.Delay(host.Options.RetryDelayBefore(attemptNumber), host.Time, cancellationToken);
            }
        }
    }

    /// <summary>Retries an idempotent step (its attempts are all alike).</summary>
    public static Task<T> RunAsync<T>(IJobHost host, string what, Func<Task<T>> step, CancellationToken cancellationToken) =>
        RunAsync(host, what, _ => step(), cancellationToken);

    /// <summary>A failure in one line: the first cause of an aggregate, with its type's short name.</summary>
    internal static string Describe(Exception e) => e switch
    {
        AggregateException { InnerExceptions.Count: > 0 } aggregate => Describe(aggregate.InnerExceptions[0]),
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: {Step} failed (attempt {Attempt}), retrying: {Reason}")]
    private static partial void LogRetry(ILogger logger, string jobId, string step, int attempt, string reason);
}
