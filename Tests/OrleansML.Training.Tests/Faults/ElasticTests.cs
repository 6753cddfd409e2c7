using OrleansML.GrainInterfaces;
using OrleansML.Jobs;
using OrleansML.Runtime;
using OrleansML.Runtime.Testing;
using OrleansML.Training.Tests.TestSupport;
using Xunit.Abstractions;

namespace OrleansML.Training.Tests.Faults;

/// <summary>A silo added mid-training takes on work at a later epoch; training continues throughout.</summary>
[Collection(FaultTestGroup.Name)]
public sealed class ElasticTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SiloAddedMidTrainingReceivesWorkersOrShardsAndTheJobGrows()
    {
        using var directory = new TempDirectory();
        var data = TrainingData.Write(directory.Path, TrainingData.Logistic(), partitions: 4);
        await using TestCluster cluster = await FaultCluster.DeployAsync(2);
        TrainingSpec spec = FaultCluster.LogisticSpec(data.Train, data.Test, "elastic") with { Elastic = true, Epochs = 20, BatchSize = 16 };
        await cluster.Client.GetGrain<ITrainingJobGrain>(spec.JobId!).StartAsync(spec);
        JobStatus before = await FaultCluster.WaitAsync(cluster.Client, spec.JobId!, s => s.EpochsCompleted >= 1);
        Assert.False(before.IsFinal, FaultCluster.Describe(before));
        Assert.Equal(2, before.Workers);

        TestSilo added = await cluster.StartAdditionalSiloAsync();
        await cluster.WaitForLivenessToStabilizeAsync();
        int epochAtJoin = (await cluster.Client.GetGrain<ITrainingJobGrain>(spec.JobId!).GetStatusAsync()).EpochsCompleted;
        Assert.True(epochAtJoin < spec.Epochs, "the job finished before the silo joined: make it longer");

        // Watch where the job's grains live while it trains (the directory is authoritative): a worker (of any
        // placement generation) or a shard must land on the new silo.
        int workOnNewSilo = 0;
        JobStatus status = before;
        var deadline = DateTime.UtcNow + FaultCluster.JobDeadline;
        while (workOnNewSilo == 0 && DateTime.UtcNow < deadline)
        {
            workOnNewSilo = await CountHostedOnAsync(cluster, spec, added);
            if (status.IsFinal)
            {
                break; // activations outlive the job (idle collection is minutes away): the last look still counts
            }

            status = await cluster.Client.GetGrain<ITrainingJobGrain>(spec.JobId!).WatchAsync(status.Revision, TimeSpan.FromMilliseconds(200));
        }

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

    private static async Task<int> CountHostedOnAsync(TestCluster cluster, TrainingSpec spec, TestSilo silo)
    {
        var grains = new List<IAddressable>();
        for (int generation = 0; generation < 4; generation++)
        {
            string name = generation == 0 ? spec.JobId! : $"{spec.JobId}.g{generation}";
            grains.AddRange(Enumerable.Range(0, 4).Select(i => (IAddressable)cluster.Client.GetGrain<IPartitionWorkerGrain>(ShardLayout.WorkerKey(name, i))));
        }

        grains.AddRange(Enumerable.Range(0, spec.Shards).Select(i => (IAddressable)cluster.Client.GetGrain<IParameterShardGrain>(ShardLayout.ShardKey(spec.JobId!, i))));
        int hosted = 0;
        foreach (IAddressable grain in grains)
        {
            if (await cluster.GetSiloHostingAsync(grain) == silo.Address)
            {
                hosted++;
            }
        }

        return hosted;
    }
}
