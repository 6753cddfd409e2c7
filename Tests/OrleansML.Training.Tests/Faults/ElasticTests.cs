using OrleansML.Workers;

namespace OrleansML.Training.Tests.Faults;

/// <summary>A silo added mid-training takes on work at a later epoch; training continues throughout. The job pauses
/// at an epoch boundary while the silo joins (<see cref="FaultCluster.JoinSiloAsync"/>) and rebalances when it
/// resumes; a silo that leaves is killed with the job's calls in flight on it.</summary>
[Collection(FaultTestGroup.Name)]
public sealed class ElasticTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SiloAddedMidTrainingReceivesWorkersOrShardsAndTheJobGrows()
    {
        using var directory = new TempDirectory();
        var data = TrainingData.Write(directory.Path, TrainingData.Logistic(), partitions: 4);
        await using InProcessTestCluster cluster = await FaultCluster.DeployAsync(2);
        TrainingSpec spec = FaultCluster.LogisticSpec(data.Train, data.Test, "elastic") with { Elastic = true, Epochs = 20, BatchSize = 16 };
        await cluster.Client.GetGrain<ITrainingJobGrain>(spec.JobId!).StartAsync(spec);
        JobStatus before = await FaultCluster.WaitAsync(cluster.Client, spec.JobId!, s => s.EpochsCompleted >= 1);
        Assert.False(before.IsFinal, FaultCluster.Describe(before));
        Assert.Equal(2, before.Workers);

        int epochAtJoin = (await FaultCluster.PauseAsync(cluster.Client, spec.JobId!)).EpochsCompleted;
        Assert.True(epochAtJoin < spec.Epochs, "the job finished before the silo joined: make it longer");
        InProcessSiloHandle added = await FaultCluster.JoinSiloAsync(cluster);
        await cluster.Client.GetGrain<ITrainingJobGrain>(spec.JobId!).ResumeAsync();

        // Watch where the job's grains live while it trains (the directory is authoritative): a worker (of any
        // placement generation) or a shard must land on the new silo.
        (int workOnNewSilo, JobStatus status) = await WatchForWorkOnAsync(cluster, spec, added, before);

        Assert.True(workOnNewSilo > 0, $"no worker or shard was placed on the new silo {added} while the job ran: {FaultCluster.Describe(status)}");
        int epochWithWork = status.EpochsCompleted;
        JobStatus final = await FaultCluster.WaitForFinalAsync(cluster.Client, spec.JobId!);
        FaultCluster.AssertCompleted(final, spec.Epochs);
        output.WriteLine(
            $"silo joined after epoch {epochAtJoin}; {workOnNewSilo} worker/shard activation(s) on it by epoch {epochWithWork}; workers per epoch " +
            $"[{string.Join(", ", final.History.Select(m => m.Workers))}]; final accuracy {FaultCluster.FinalAccuracy(final):F4}; retries {final.Retries}");
        Assert.Equal(2, final.History[0].Workers);
        Assert.Equal(3, final.History[^1].Workers);
        Assert.Equal(3, final.Workers);
        // Training continued throughout: no epoch was lost or repeated, and the model kept learning.
        Assert.Equal(Enumerable.Range(1, spec.Epochs), final.History.Select(m => m.Epoch));
        Assert.True(FaultCluster.FinalAccuracy(final) > 0.8, $"accuracy {FaultCluster.FinalAccuracy(final):F4}");
        Assert.True(final.History[^1].TrainLoss < final.History[0].TrainLoss);
    }

    [Fact]
    public async Task SiloAddedMidTrainingHostsAShardThatContinuesFromTheHandedOffCheckpoint()
    {
        using var directory = new TempDirectory();
        var data = TrainingData.Write(directory.Path, TrainingData.Logistic(), partitions: 4);
        await using InProcessTestCluster cluster = await FaultCluster.DeployAsync(2);
        // 3 shards over 2 silos, then 3: spread placement puts one shard of the new generation on every silo.
        TrainingSpec spec = FaultCluster.LogisticSpec(data.Train, data.Test, "elastic-shards") with { Elastic = true, Shards = 3, Epochs = 16, BatchSize = 16 };
        const int StepsPerEpoch = 200; // 3,200 training rows in batches of 16 (every partition holds 800 rows)
        ITrainingJobGrain job = cluster.Client.GetGrain<ITrainingJobGrain>(spec.JobId!);
        await job.StartAsync(spec);
        // Join after epoch 2, so the rebalance comes at epoch 3 or later: the loss has fallen well below epoch 1's by
        // then, and a model reset at the hand-off would show.
        JobStatus before = await FaultCluster.WaitAsync(cluster.Client, spec.JobId!, s => s.EpochsCompleted >= 2);
        Assert.False(before.IsFinal, FaultCluster.Describe(before));

        int epochAtJoin = (await FaultCluster.PauseAsync(cluster.Client, spec.JobId!)).EpochsCompleted;
        Assert.True(epochAtJoin < spec.Epochs - 1, "the job finished before the silo joined: make it longer");
        InProcessSiloHandle added = await FaultCluster.JoinSiloAsync(cluster);
        await job.ResumeAsync();

        // Watch the directory while the job trains: a shard (not just a worker) must come to live on the new silo.
        (int shardsOnNewSilo, JobStatus status) = await WatchForWorkOnAsync(cluster, spec, added, before, workers: false);

        Assert.True(shardsOnNewSilo > 0, $"no shard was placed on the new silo {added} while the job ran: {FaultCluster.Describe(status)}");
        Assert.False(status.IsFinal, $"a shard reached the new silo only after the job ended: {FaultCluster.Describe(status)}");
        JobStatus final = await FaultCluster.WaitForFinalAsync(cluster.Client, spec.JobId!);
        FaultCluster.AssertCompleted(final, spec.Epochs);
        Assert.Equal(Enumerable.Range(1, spec.Epochs), final.History.Select(m => m.Epoch));
        Assert.Equal(0, final.Retries);

        // The first epoch on 3 silos ran on the handed-off model: its loss continues the curve, where a reset
        // model would go back up to about the first epoch's loss.
        int rebalanced = final.History.First(m => m.Workers == 3).Epoch;
        double lossBefore = final.History[rebalanced - 2].TrainLoss;
        double lossAfter = final.History[rebalanced - 1].TrainLoss;
        double firstLoss = final.History[0].TrainLoss;
        output.WriteLine(
            $"silo joined after epoch {epochAtJoin}; shards rebalanced at epoch {rebalanced}, {shardsOnNewSilo} on the new silo; train loss per epoch " +
            $"[{string.Join(", ", final.History.Select(m => m.TrainLoss.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))}]; " +
            $"final accuracy {FaultCluster.FinalAccuracy(final):F4}");
        Assert.True(rebalanced > 2, $"rebalanced at epoch {rebalanced}, before the silo joined");
        Assert.True(firstLoss - lossBefore > 0.05, $"the loss fell only from {firstLoss:F4} to {lossBefore:F4}: a reset would not show");
        Assert.True(lossAfter <= lossBefore * 1.02, $"epoch {rebalanced} (after the rebalance) lost {lossAfter:F4}, epoch {rebalanced - 1} {lossBefore:F4}: the shards' state was not handed off");

        // The live generation applied every step of the job (the version continued through the hand-off), and the
        // generations before it were discarded (their storage is free).
        ShardStats[][] generations = await Task.WhenAll(Enumerable.Range(0, 4).Select(g => JobRuns.ShardStatsAsync(cluster.Client, spec.JobId!, spec.Shards, g)));
        int live = Array.FindLastIndex(generations, shards => shards.Any(s => s.Checkpoints.Count > 0));
        Assert.True(live >= 1, "the shards never moved to a new generation");
        Assert.Equal(live, final.ShardGeneration);
        Assert.True(final.WorkerGeneration >= 1, $"worker generation {final.WorkerGeneration}: the workers never rebalanced");
        Assert.All(generations[live], s => Assert.Equal((long)spec.Epochs * StepsPerEpoch, s.Version));
        Assert.All(generations[live], s => Assert.Contains((long)spec.Epochs * StepsPerEpoch, s.Checkpoints));
        Assert.All(generations.Take(live).SelectMany(g => g), s => Assert.Empty(s.Checkpoints));
        Assert.True(FaultCluster.FinalAccuracy(final) > 0.8, $"accuracy {FaultCluster.FinalAccuracy(final):F4}");
    }

    [Fact]
    public async Task SiloLeavingMidTrainingHandsItsShardToTheSurvivorsAndNoStepIsLostOrRepeated()
    {
        using var directory = new TempDirectory();
        var data = TrainingData.Write(directory.Path, TrainingData.Logistic(), partitions: 4);
        await using InProcessTestCluster cluster = await FaultCluster.DeployAsync(3);
        InProcessSiloHandle[] s = [.. cluster.Silos];
        TrainingSpec spec = FaultCluster.LogisticSpec(data.Train, data.Test, "elastic-leave") with { Elastic = true, Shards = 3, Epochs = 10 };
        const int StepsPerEpoch = 100; // 3,200 training rows in batches of 32
        // Silo 1 hosts shard 1 and worker 1 of the first generation; it dies mid-epoch.
        await FaultCluster.PinAsync(cluster, spec, coordinator: s[0], shards: [s[0], s[1], s[2]], workers: [s[0], s[1], s[2]]);
        ITrainingJobGrain job = cluster.Client.GetGrain<ITrainingJobGrain>(spec.JobId!);
        await job.StartAsync(spec);
        JobStatus before = await FaultCluster.WaitAsync(cluster.Client, spec.JobId!, st => st.EpochsCompleted >= 2);
        Assert.False(before.IsFinal, FaultCluster.Describe(before));
        Assert.Equal(3, before.Workers);
        await FaultCluster.KillWithCallsInFlightAsync(cluster, s[1], spec.JobId!, FaultCluster.MidEpochStep(spec, before.EpochsCompleted + 1));

        JobStatus final = await FaultCluster.WaitForFinalAsync(cluster.Client, spec.JobId!);
        output.WriteLine(
            $"silo killed after epoch {before.EpochsCompleted}; workers per epoch [{string.Join(", ", final.History.Select(m => m.Workers))}]; " +
            $"attempts per epoch [{string.Join(", ", final.History.Select(m => m.Attempts))}]; train loss per epoch " +
            $"[{string.Join(", ", final.History.Select(m => m.TrainLoss.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))}]; " +
            $"final accuracy {FaultCluster.FinalAccuracy(final):F4}; retries {final.Retries}");
        FaultCluster.AssertCompleted(final, spec.Epochs);
        Assert.Equal(Enumerable.Range(1, spec.Epochs), final.History.Select(m => m.Epoch));
        Assert.True(final.Retries >= 1, $"the job never noticed the kill: {FaultCluster.Describe(final)}");
        Assert.Equal(2, final.Workers);
        Assert.Equal(2, final.History[^1].Workers);

        // The shards moved to a new generation on the two survivors, from the checkpoint the dead silo's shard
        // had written (its successor read it from storage): every step of the job applied exactly once.
        int live = -1;
        for (int generation = 3; generation >= 1 && live < 0; generation--)
        {
            ShardStats[] shards = await JobRuns.ShardStatsAsync(cluster.Client, spec.JobId!, spec.Shards, generation);
            if (shards.Any(st => st.Checkpoints.Count > 0))
            {
                live = generation;
                Assert.All(shards, st => Assert.Equal((long)spec.Epochs * StepsPerEpoch, st.Version));
                Assert.All(shards, st => Assert.Contains(st.Silo, new[] { s[0].SiloAddress.ToString(), s[2].SiloAddress.ToString() }));
            }
        }

        Assert.True(live >= 1, "the shards never moved to a new generation after the silo left");
        Assert.Equal(live, final.ShardGeneration);
        Assert.True(FaultCluster.FinalAccuracy(final) > 0.8, $"accuracy {FaultCluster.FinalAccuracy(final):F4}");
    }

    /// <summary>Watches the job until the directory places some of its work on <paramref name="silo"/> (see
    /// <see cref="CountHostedOnAsync"/>), the job ends or <see cref="FaultCluster.JobDeadline"/> passes; returns how
    /// much it found there and the last status.</summary>
    private static async Task<(int Hosted, JobStatus Status)> WatchForWorkOnAsync(InProcessTestCluster cluster, TrainingSpec spec, InProcessSiloHandle silo, JobStatus status, bool workers = true)
    {
        int hosted = 0;
        var deadline = DateTime.UtcNow + FaultCluster.JobDeadline;
        while (hosted == 0 && DateTime.UtcNow < deadline)
        {
            hosted = await CountHostedOnAsync(cluster, spec, silo, workers);
            if (status.IsFinal)
            {
                break; // activations outlive the job (idle collection is minutes away): the last look still counts
            }

            status = await cluster.Client.GetGrain<ITrainingJobGrain>(spec.JobId!).WatchAsync(status.Revision, TimeSpan.FromMilliseconds(200));
        }

        return (hosted, status);
    }

    /// <summary>How many of the job's workers (any generation, if <paramref name="workers"/>) and shards (any
    /// generation) the directory places on <paramref name="silo"/>; it activates nothing.</summary>
    private static async Task<int> CountHostedOnAsync(InProcessTestCluster cluster, TrainingSpec spec, InProcessSiloHandle silo, bool workers = true)
    {
        var grains = new List<IAddressable>();
        for (int generation = 0; generation < 4; generation++)
        {
            if (workers)
            {
                grains.AddRange(Enumerable.Range(0, 4).Select(i => cluster.Client.GetGrain<IPartitionWorkerGrain>(ShardLayout.WorkerKey(spec.JobId!, i, generation))));
            }

            grains.AddRange(Enumerable.Range(0, spec.Shards).Select(i => cluster.Client.GetGrain<IParameterShardGrain>(ShardLayout.ShardKey(spec.JobId!, i, generation))));
        }

        int hosted = 0;
        foreach (IAddressable grain in grains)
        {
            if (Equals(await GrainPlacement.HostOfAsync(cluster, grain), silo.SiloAddress))
            {
                hosted++;
            }
        }

        return hosted;
    }
}
