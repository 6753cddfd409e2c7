using System.Diagnostics;

namespace OrleansML.Cluster.Tests.Defaults;

/// <summary>
/// A fresh cluster of 3 silo processes with the shipped defaults (membership, reminders and every OrleansML option
/// as shipped) runs 20 small jobs one after the other, undisturbed: not one epoch attempt may be retried, and no
/// grain may ever be active on two silos at once (checked continuously during each job and after it). BSP with the
/// same spec and seed is deterministic, so all 20 end at the same loss.
/// </summary>
public sealed class UndisturbedJobsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int JobCount = 20;
    private ProcessCluster? _cluster;
    private TrainingData? _data;

    public async Task InitializeAsync()
    {
        _data = TrainingData.Write(rows: 2000, partitions: 3);
        _cluster = await ProcessCluster.StartAsync("defaults", 3, SiloTuning.ShippedDefaults);
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        _data?.Dispose();
    }

    [Fact]
    public async Task Twenty_consecutive_jobs_run_without_a_retry_or_a_duplicate_activation()
    {
        ProcessCluster cluster = _cluster!;
        var statuses = new List<JobStatus>();
        var duplicates = new List<string>();
        int checks = 0;
        int largestActivationCount = 0;
        var clock = Stopwatch.StartNew();
        for (int job = 0; job < JobCount; job++)
        {
            // The spec's own defaults too, except for a small job: elastic, one worker per silo.
            TrainingSpec spec = JobRuns.Logistic(_data!, $"job{job}", epochs: 3) with { Elastic = true, BatchSize = 64 };
            using var monitoring = new CancellationTokenSource();
            Task monitor = Task.Run(async () =>
            {
                while (!monitoring.IsCancellationRequested)
                {
                    IReadOnlyList<string> found = await GrainPlacement.DuplicateActivationsAsync(cluster);
                    lock (duplicates)
                    {
                        duplicates.AddRange(found.Select(d => $"during job {spec.JobId}: {d}"));
                        checks++;
                    }

                    await Task.Delay(100);
                }
            });

            JobStatus final;
            try
            {
                final = await JobRuns.RunToCompletionAsync(cluster.Client, spec, TimeSpan.FromSeconds(60), cluster.DescribeSilos);
            }
            finally
            {
                await monitoring.CancelAsync();
                await monitor;
            }

            duplicates.AddRange((await GrainPlacement.DuplicateActivationsAsync(cluster)).Select(d => $"after job {spec.JobId}: {d}"));
            largestActivationCount = Math.Max(largestActivationCount, await GrainPlacement.OrleansMLActivationCountAsync(cluster));
            statuses.Add(final);
            Assert.True(final.Retries == 0, $"job {job} ({spec.JobId}) retried: {JobRuns.Describe(final)}{Environment.NewLine}{cluster.DescribeSilos()}");
            Assert.Empty(duplicates);
        }

        double firstLoss = statuses[0].History[^1].TrainLoss;
        output.WriteLine($"{JobCount} jobs in {clock.Elapsed.TotalSeconds:F1} s ({string.Join(", ", statuses.Select(st => $"{(st.FinishedUtc - st.StartedUtc)?.TotalSeconds:F1}"))} s each); " +
            $"{checks} duplicate checks saw up to {largestActivationCount} OrleansML activations; workers {statuses[0].Workers}; final loss {firstLoss:R}, accuracy {JobRuns.FinalAccuracy(statuses[0]):F4}");
        Assert.Equal(3, statuses[0].Workers);
        Assert.True(checks >= JobCount, $"only {checks} duplicate checks ran");
        Assert.True(largestActivationCount >= 5, $"the duplicate check saw only {largestActivationCount} OrleansML activations: it is not looking at the jobs' grains");
        Assert.All(statuses, st => Assert.InRange(st.History[^1].TrainLoss, firstLoss - 1e-6, firstLoss + 1e-6));
        Assert.True(JobRuns.FinalAccuracy(statuses[0]) > 0.8, $"accuracy {JobRuns.FinalAccuracy(statuses[0]):F4}");
    }
}
