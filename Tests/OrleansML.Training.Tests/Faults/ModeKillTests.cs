using System.Diagnostics;

namespace OrleansML.Training.Tests.Faults;

/// <summary>
/// The kill tests of <see cref="SiloKillTests"/> (BSP) under the other consistency modes: ASP, SSP, model
/// averaging and L-BFGS. A silo hosting one worker or one shard (and nothing else) is killed mid-training on a
/// 3-silo cluster; the job must complete every epoch, retrying what failed, and end within the mode's
/// tolerance of the same job, same seed, run without a failure on the same cluster beforehand.
/// </summary>
/// <remarks>
/// Tolerances: L-BFGS is deterministic (a failed loss evaluation is a pure function of the point, retried;
/// the shards only hold the iterate, which the coordinator rewrites), so its loss and accuracy must match the
/// undisturbed run exactly. Model averaging rolls back to the epoch's checkpoint and replays the same rounds at
/// the same learning rates, so it matches to float rounding (1e-4 in loss, 0.1 point). ASP and SSP apply pushes
/// in arrival order, which differs run to run even without a failure; they must stay within 0.5 accuracy points
/// and 1% of the final training loss.
/// </remarks>
[Collection(FaultTestGroup.Name)]
public sealed class ModeKillTests(ITestOutputHelper output)
{
    public enum Victim
    {
        Worker,
        Shard,
    }

    [Theory]
    [InlineData(ConsistencyMode.Asp, Victim.Worker)]
    [InlineData(ConsistencyMode.Asp, Victim.Shard)]
    [InlineData(ConsistencyMode.Ssp, Victim.Worker)]
    [InlineData(ConsistencyMode.Ssp, Victim.Shard)]
    [InlineData(ConsistencyMode.ModelAveraging, Victim.Worker)]
    [InlineData(ConsistencyMode.ModelAveraging, Victim.Shard)]
    [InlineData(ConsistencyMode.ModelAveraging, Victim.Worker, OptimizerKind.Adam)]
    [InlineData(ConsistencyMode.Lbfgs, Victim.Worker)]
    [InlineData(ConsistencyMode.Lbfgs, Victim.Shard)]
    public async Task SiloDiesMidTrainingAndTheJobMatchesTheUndisturbedRun(ConsistencyMode mode, Victim victim, OptimizerKind optimizer = OptimizerKind.Sgd)
    {
        using var directory = new TempDirectory();
        var data = TrainingData.Write(directory.Path, TrainingData.Logistic(), partitions: 4);
        await using InProcessTestCluster cluster = await FaultCluster.DeployAsync(3);
        InProcessSiloHandle[] s = [.. cluster.Silos];
        string name = $"kill-{mode}-{victim}-{optimizer}".ToLowerInvariant();
        TrainingSpec baselineSpec = SpecFor(mode, data.Train, data.Test, name + "-base");
        if (optimizer == OptimizerKind.Adam)
        {
            // Adam's moments live in the averaging workers between rounds: the replay must restore them exactly.
            baselineSpec = baselineSpec with { Optimizer = baselineSpec.Optimizer with { Kind = OptimizerKind.Adam, LearningRate = 0.02f } };
        }

        JobStatus baseline = await FaultCluster.WaitForFinalAsync(cluster.Client, await StartAsync(cluster, baselineSpec));
        FaultCluster.AssertCompleted(baseline, baseline.EpochsPlanned);
        Assert.Equal(0, baseline.Retries);

        TrainingSpec spec = baselineSpec with { JobId = name + "-" + Guid.NewGuid().ToString("N")[..6] };
        // The killed silo 1 hosts exactly the part under test: worker 0, or shard 0.
        if (victim == Victim.Worker)
        {
            await FaultCluster.PinAsync(cluster, spec, coordinator: s[0], shards: [s[0], s[2]], workers: [s[1], s[2]]);
        }
        else
        {
            await FaultCluster.PinAsync(cluster, spec, coordinator: s[0], shards: [s[1], s[2]], workers: [s[0], s[2]]);
        }

        await StartAsync(cluster, spec);
        // Past the second epoch (round), the silo dies with the job's calls in flight on it: mid-epoch (a push or
        // pull of the next epoch's middle step), or L-BFGS's next call there.
        JobStatus before = await FaultCluster.WaitAsync(cluster.Client, spec.JobId!, st => st.EpochsCompleted >= 2);
        Assert.False(before.IsFinal, $"the job finished before the kill: make it longer. {FaultCluster.Describe(before)}");
        var clock = Stopwatch.StartNew();
        await FaultCluster.KillWithCallsInFlightAsync(cluster, s[1], spec.JobId!, FaultCluster.MidEpochStep(spec, before.EpochsCompleted + 1));

        var reasons = new List<string>();
        JobStatus final = await FaultCluster.WaitForFinalAsync(cluster.Client, spec.JobId!, reasons: reasons);
        double seconds = clock.Elapsed.TotalSeconds;
        double expectedAccuracy = FaultCluster.FinalAccuracy(baseline);
        double accuracy = FaultCluster.FinalAccuracy(final);
        double expectedLoss = baseline.History[^1].TrainLoss;
        double loss = final.History[^1].TrainLoss;
        output.WriteLine(
            $"{mode}, {victim} silo killed after epoch {before.EpochsCompleted}: accuracy without failure {expectedAccuracy:F4}, with {accuracy:F4} " +
            $"(diff {(accuracy - expectedAccuracy) * 100:F2} pp); final train loss {expectedLoss:R} vs {loss:R}; retries {final.Retries}; " +
            $"attempts per epoch [{string.Join(", ", final.History.Select(m => m.Attempts))}]; kill to completion {seconds:F1} s; reasons: {string.Join(" | ", reasons)}");

        FaultCluster.AssertCompleted(final, baseline.EpochsCompleted);
        Assert.Equal(Enumerable.Range(1, baseline.EpochsCompleted), final.History.Select(m => m.Epoch));
        Assert.True(final.Retries >= 1, $"the job never noticed the kill: {FaultCluster.Describe(final)}");
        Assert.NotNull(final.ModelVersion);
        Assert.True(expectedAccuracy > 0.8, $"the undisturbed job only reached {expectedAccuracy:F4}: the comparison would mean nothing");
        switch (mode)
        {
            case ConsistencyMode.Lbfgs:
                Assert.Equal(expectedLoss, loss, 1e-9);
                Assert.Equal(expectedAccuracy, accuracy);
                break;
            case ConsistencyMode.ModelAveraging:
                // The replay is exact: same rounds from the same checkpoint, the same rates, and (Adam) the local
                // moments the worker saved at the end of the epoch before. Fresh moments measured 4.7e-5 apart.
                Assert.Equal(expectedLoss, loss, 1e-9);
                Assert.Equal(expectedAccuracy, accuracy);
                break;
            default:
                Assert.InRange(accuracy, expectedAccuracy - 0.005, expectedAccuracy + 0.005);
                Assert.InRange(loss, expectedLoss * 0.99, expectedLoss * 1.01);
                break;
        }
    }

    /// <summary>The fault tests' logistic job (3,200 rows, 100 steps an epoch) in <paramref name="mode"/>.
    /// L-BFGS trains a small MLP instead: full-batch rounds over a convex problem converge (and end the job) in
    /// well under a second, before a kill could land; the MLP keeps it busy for a few seconds.</summary>
    private static TrainingSpec SpecFor(ConsistencyMode mode, string train, string test, string prefix)
    {
        TrainingSpec spec = FaultCluster.LogisticSpec(train, test, prefix) with { Mode = mode, Staleness = 2, PullEvery = 1, AveragingInterval = 4 };
        // A cosine decay over every update ends each run near the optimum rather than at the noise level of a
        // constant rate, where ASP's arrival order alone moves the accuracy by a point between two clean runs.
        // It also makes the replay of a failed epoch depend on the update numbers being restored exactly.
        long updates = (long)spec.Epochs * 100 * (mode is ConsistencyMode.Asp or ConsistencyMode.Ssp ? spec.Workers : 1);
        spec = spec with
        {
            Optimizer = spec.Optimizer with { Schedule = new LearningRateScheduleSettings { Kind = LearningRateScheduleKind.Cosine, DecaySteps = updates } },
        };
        return mode != ConsistencyMode.Lbfgs ? spec : spec with
        {
            Model = new ModelSpec { Kind = ModelKind.Mlp, FeatureCount = 16, ClassCount = 2, HiddenLayers = [16] },
            LbfgsIterations = 240,
            LbfgsIterationsPerEpoch = 10,
        };
    }

    private static async Task<string> StartAsync(InProcessTestCluster cluster, TrainingSpec spec)
    {
        await cluster.Client.GetGrain<ITrainingJobGrain>(spec.JobId!).StartAsync(spec);
        return spec.JobId!;
    }
}
