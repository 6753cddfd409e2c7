using System.Diagnostics;
using Orleans;
using OrleansML.Jobs;
using OrleansML.Workers;

namespace OrleansML.Tests.Shared;

/// <summary>Driving a job from a client while silos die or restart, as the fault tests (in-process clusters) and the
/// process-cluster tests both do: the wait for a state, and the load call that pins a worker before the job starts.</summary>
internal static class JobWatch
{
    /// <summary>
    /// Long-polls the job until <paramref name="condition"/> holds or it is final. A call that fails (its silo is
    /// dying, or a gateway went away) is retried after a moment: the next call reaches, or reactivates, the
    /// coordinator elsewhere. Failure reasons the job reports on the way are collected in <paramref name="reasons"/>.
    /// </summary>
    public static async Task<JobStatus> WaitAsync(IGrainFactory grains, string jobId, Func<JobStatus, bool> condition, TimeSpan limit, ICollection<string>? reasons = null, Func<string>? context = null)
    {
        ITrainingJobGrain job = grains.GetGrain<ITrainingJobGrain>(jobId);
        var clock = Stopwatch.StartNew();
        JobStatus? last = null;
        string? lastError = null;
        while (clock.Elapsed < limit)
        {
            try
            {
                last = last is null ? await job.GetStatusAsync() : await job.WatchAsync(last.Revision, TimeSpan.FromSeconds(1));
                lastError = null;
                if (reasons is not null && last.FailureReason is string reason && !reasons.Contains(reason))
                {
                    reasons.Add(reason);
                }

                if (condition(last) || last.IsFinal)
                {
                    return last;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                lastError = $"{e.GetType().Name}: {e.Message}";
                last = null;
                await Task.Delay(250);
            }
        }

        throw new TimeoutException(
            $"job {jobId} did not get there within {limit.TotalSeconds:F0} s; last status: {Describe(last)}; last error: {lastError ?? "none"}" +
            (context is null ? "" : Environment.NewLine + context()));
    }

    /// <summary>What an assertion message needs of a job's status, on one line.</summary>
    public static string Describe(JobStatus? status) => status is null
        ? "(none)"
        : $"{status.State}, epochs {status.EpochsCompleted}/{status.EpochsPlanned}, progress {status.EpochProgress:F2}, retries {status.Retries}, " +
          $"workers {status.Workers} (generation {status.WorkerGeneration}), shard generation {status.ShardGeneration}, coordinator {status.CoordinatorSilo}, " +
          $"attempts per epoch [{string.Join(", ", status.History.Select(m => m.Attempts))}], reason '{status.FailureReason}'";

    /// <summary>What a test loads into worker <paramref name="index"/> of <paramref name="count"/> to activate it on a
    /// chosen silo before the job starts: its share of the job's data, as the job will assign it.</summary>
    public static WorkerAssignment PinningAssignment(TrainingSpec spec, int index, int count) => new()
    {
        JobId = spec.JobId!,
        WorkerIndex = index,
        WorkerCount = count,
        TrainManifest = spec.Data.TrainManifest,
        TestManifest = spec.Data.TestManifest,
        Model = spec.Model,
        ShardCount = spec.Shards,
        Mode = spec.Mode,
        Seed = spec.Seed,
        LocalOptimizer = spec.Optimizer,
        StepsPerEpoch = 1,
    };
}
