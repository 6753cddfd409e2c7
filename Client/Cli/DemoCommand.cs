using System.Diagnostics;
using OrleansML.Learning.Data.Readers;
using OrleansML.Learning.Optimizers;

namespace OrleansML.Cli;

/// <summary>
/// <c>demo</c>: Fashion-MNIST softmax regression, 2 workers, 2 shards, model averaging every
/// <see cref="DefaultAveragingInterval"/> local steps (or BSP with <c>--mode Bsp</c>), Adam with a cosine schedule
/// over the whole run, on an embedded cluster (2 silos by default). Its last line is
/// <c>demo test_accuracy=&lt;x&gt; seconds=&lt;s&gt;</c>, the seconds counted from the cluster's start to the job's
/// end. The model is saved in the data directory as <c>fashion-mnist-softmax</c> (a new version each run).
/// </summary>
internal static class DemoCommand
{
    /// <summary>Local steps between averages: about 7 rounds per epoch at batch 128. With the shards' block momentum
    /// this reached 0.840 in 3-4 epochs where 128 took 3-5 and one thread 5-6 (averaging-replay, 3 seeds), and in the
    /// peers benchmark it was the faster of the two (Benchmarks/README.md, peers).</summary>
    public const int DefaultAveragingInterval = 64;

    public static Command Create(CliContext context)
    {
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training data.", DefaultValueFactory = _ => 10 };
        var batchSize = new Option<int>("--batch-size") { Description = "Global mini-batch rows.", DefaultValueFactory = _ => 128 };
        var silos = new Option<int>("--silos") { Description = "Silos of the embedded cluster.", DefaultValueFactory = _ => 2 };
        var mode = new Option<ConsistencyMode>("--mode") { Description = "ModelAveraging (fast) or Bsp (step for step as one thread).", DefaultValueFactory = _ => ConsistencyMode.ModelAveraging };
        var interval = new Option<int>("--averaging-interval") { Description = "Model averaging: local steps between averages.", DefaultValueFactory = _ => DefaultAveragingInterval };
        var command = new Command("demo", "Train softmax regression on Fashion-MNIST on an embedded 2-silo cluster.") { epochs, batchSize, silos, mode, interval };
        command.SetAction(async (parse, cancellationToken) =>
        {
            int siloCount = parse.GetValue(silos);
            if (siloCount is < 1 or > 16)
            {
                throw new CliException(ExitCodes.BadUsage, $"--silos: must be between 1 and 16, got {siloCount}.");
            }

            (string train, string test) = DemoData.Prepare(context.Environment, context.Output);
            TrainingSpec spec = Spec(train, test, parse.GetValue(epochs), parse.GetValue(batchSize), parse.GetValue(mode), parse.GetValue(interval));
            TrainingSpecValidator.Validate(spec);
            var clock = Stopwatch.StartNew();
            string dataDirectory = context.Cluster.ResolveDataDirectory(parse, context.Environment);
            context.Output.WriteLine($"starting an embedded cluster of {siloCount} silos (state in {dataDirectory})");
            await using ClusterSession cluster = await CliContext.StartEmbeddedAsync(siloCount, dataDirectory, cancellationToken);
            TrainingJob job = await cluster.Client.StartTrainingAsync(spec, cancellationToken);
            context.Output.WriteLine($"started job {job.JobId}: softmax regression, {spec.Workers} workers, {spec.Shards} shards, {Describe(spec)}, {spec.Epochs} epochs of batch {spec.BatchSize}");
            JobStatus final = await context.ProgressView().FollowAsync(job, cancellationToken);
            double seconds = clock.Elapsed.TotalSeconds;
            if (final.State != JobState.Completed)
            {
                return ExitCodes.JobFailed;
            }

            double accuracy = final.History.LastOrDefault(e => e.TestAccuracy is not null)?.TestAccuracy
                ?? throw new CliException(ExitCodes.JobFailed, $"job {final.JobId} completed without a test accuracy.");
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"demo test_accuracy={accuracy:F4} seconds={seconds:F1}"));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The demo's spec. The cosine schedule spans every step of the run: epochs × ⌈60000 / batch⌉.</summary>
    internal static TrainingSpec Spec(string trainManifest, string testManifest, int epochs, int batchSize, ConsistencyMode mode = ConsistencyMode.ModelAveraging, int averagingInterval = DefaultAveragingInterval)
    {
        if (epochs < 1 || batchSize < 1)
        {
            throw new CliException(ExitCodes.BadUsage, epochs < 1 ? $"--epochs: must be at least 1, got {epochs}." : $"--batch-size: must be at least 1, got {batchSize}.");
        }

        if (mode is not (ConsistencyMode.ModelAveraging or ConsistencyMode.Bsp) || averagingInterval < 1)
        {
            throw new CliException(ExitCodes.BadUsage, averagingInterval < 1
                ? $"--averaging-interval: must be at least 1, got {averagingInterval}."
                : $"--mode: the demo runs ModelAveraging or Bsp, got {mode}.");
        }

        long steps = (long)epochs * ((DemoData.TrainRows + batchSize - 1) / batchSize);
        return new TrainingSpec
        {
            ModelName = "fashion-mnist-softmax",
            Model = new ModelSpec { Kind = ModelKind.SoftmaxRegression, FeatureCount = FashionMnist.PixelCount, ClassCount = FashionMnist.ClassCount },
            Data = new DataSpec { TrainManifest = trainManifest, TestManifest = testManifest },
            Optimizer = new OptimizerSettings
            {
                Kind = OptimizerKind.Adam,
                LearningRate = 0.002f,
                Schedule = new LearningRateScheduleSettings { Kind = LearningRateScheduleKind.Cosine, DecaySteps = steps },
            },
            Mode = mode,
            AveragingInterval = averagingInterval,
            Workers = 2,
            Shards = 2,
            Epochs = epochs,
            BatchSize = batchSize,
        };
    }

    private static string Describe(TrainingSpec spec) => spec.Mode == ConsistencyMode.ModelAveraging
        ? $"model averaging every {spec.AveragingInterval} local steps"
        : "BSP";
}
