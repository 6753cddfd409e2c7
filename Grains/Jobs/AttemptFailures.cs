using Orleans.Storage;

namespace OrleansML.Grains.Jobs;

/// <summary>How the coordinator reads the failures of an epoch attempt: which one caused it, and whether a
/// retry can help.</summary>
internal static class AttemptFailures
{
    /// <summary>
    /// Waits for every task of an attempt. The first one to fail is the cause: <paramref name="abortAsync"/> runs
    /// at once (it fails the shards' pending pulls, so workers blocked in a barrier on the failed one end now
    /// rather than at their pull timeout) and that failure is thrown; the later failures are its consequences.
    /// </summary>
    public static async Task<T[]> WhenAllOrFirstFailureAsync<T>(IReadOnlyList<Task<T>> tasks, Func<Exception, Task> abortAsync, CancellationToken cancellationToken)
    {
        var pending = new List<Task<T>>(tasks);
        while (pending.Count > 0)
        {
            Task<T> done = await Task.WhenAny(pending).WaitAsync(cancellationToken);
            pending.Remove(done);
            if (!done.IsCompletedSuccessfully)
            {
                foreach (Task<T> rest in pending)
                {
                    // They fail as a consequence (the abort): observe their errors so none goes unobserved.
                    _ = rest.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Current);
                }

                Exception cause = done.Exception?.InnerException ?? new OperationCanceledException("a worker call was cancelled");
                await abortAsync(cause);
                await done; // rethrows the cause
            }
        }

        return [.. tasks.Select(t => t.Result)];
    }

    /// <summary>
    /// Whether retrying from a checkpoint cannot help: the training data is damaged (a partition's checksum or
    /// format is wrong). The same files would be read again, so the job fails at once with that reason.
    /// </summary>
    public static bool IsPermanent(Exception e) => Unwrap(e) is TrainingDataException or FormatException;

    /// <summary>Whether the model diverged: the retry would replay the same batches from the same checkpoint.</summary>
    public static bool IsDiverged(Exception e) => Unwrap(e) is ModelDivergedException;

    /// <summary>Whether a newer coordinator activation owns the job's record (this one's writes are fenced).</summary>
    public static bool IsStaleCoordinator(Exception e) => Unwrap(e) is InconsistentStateException || e.InnerException is InconsistentStateException;

    private static Exception Unwrap(Exception e) => e is AggregateException { InnerExceptions.Count: > 0 } aggregate ? Unwrap(aggregate.InnerExceptions[0]) : e;
}
