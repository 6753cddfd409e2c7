using Microsoft.Extensions.Logging;

namespace OrleansML.Grains.Jobs;

/// <summary>
/// Retries an idempotent step of a driver that calls grains on silos that may be dying (reading counters or the
/// model, saving it, an L-BFGS loss evaluation): a silo that dies at that moment costs a retry, with the job's
/// backoff, rather than failing the job. Up to <see cref="Jobs.TrainingSpec.MaxEpochRetries"/> retries; never
/// when the job is cancelled or a newer coordinator owns its record.
/// </summary>
internal static partial class JobRetries
{
    public static async Task<T> RunAsync<T>(IJobHost host, string what, Func<Task<T>> step, CancellationToken cancellationToken)
    {
        for (int retry = 1; ; retry++)
        {
            try
            {
                return await step();
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && !AttemptFailures.IsStaleCoordinator(e) && retry <= host.Record.Spec!.MaxEpochRetries)
            {
                string reason = SgdDriver.Describe(e);
                host.Record.Retries++;
                host.Record.FailureReason = $"retrying {what} after: {reason}";
                LogStepRetry(host.Logger, host.JobId, what, retry, reason);
                host.Publish();
                await Task.Delay(host.Options.RetryDelayBefore(retry), host.Time, cancellationToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: {Step} failed (retry {Retry}): {Reason}")]
    private static partial void LogStepRetry(ILogger logger, string jobId, string step, int retry, string reason);
}
