using OrleansML.Learning.Training;
using Xunit.Abstractions;

namespace OrleansML.Learning.Tests.Training;

/// <summary>The accuracy bars of the learning-core issue, on the real dataset (60k train, 10k test).
/// Published references (Xiao et al. 2017): logistic regression 0.842, MLP(100) 0.871.</summary>
public sealed class FashionMnistTrainingTests(FashionMnistFixture fixture, ITestOutputHelper output) : IClassFixture<FashionMnistFixture>
{
    [Fact]
    public void Softmax_regression_reaches_0_840_test_accuracy()
    {
        var model = new SoftmaxRegression(784, 10);
        var options = new LocalTrainerOptions
        {
            Epochs = 15,
            BatchSize = 64,
            Seed = 7,
            // Cosine decay to zero over the run: the last epochs average out the mini-batch noise that
            // otherwise makes the final accuracy wander by half a point from epoch to epoch.
            Optimizer = new OptimizerSettings
            {
                Kind = OptimizerKind.Adam,
                LearningRate = 0.002f,
                Schedule = new LearningRateScheduleSettings { Kind = LearningRateScheduleKind.Cosine, DecaySteps = 15 * 938 },
            },
        };
        TrainingResult result = Train(model, options);
        double accuracy = result.FinalTest!.Accuracy!.Value;
        Assert.True(accuracy >= 0.840, $"softmax test accuracy {accuracy:F4} < 0.840");
    }

    [Fact]
    public void Mlp_with_128_hidden_units_reaches_0_875_test_accuracy()
    {
        var model = new Mlp([784, 128, 10]);
        var options = new LocalTrainerOptions
        {
            Epochs = 12,
            BatchSize = 64,
            Seed = 7,
            Optimizer = new OptimizerSettings { Kind = OptimizerKind.Adam, LearningRate = 0.001f },
        };
        TrainingResult result = Train(model, options);
        double accuracy = result.FinalTest!.Accuracy!.Value;
        Assert.True(accuracy >= 0.875, $"MLP(128) test accuracy {accuracy:F4} < 0.875");
    }

    private TrainingResult Train(IModel model, LocalTrainerOptions options)
    {
        var trainer = new LocalTrainer(model, options);
        TrainingResult result = trainer.Train(fixture.Data.Train, fixture.Data.Test, new SynchronousProgress(r =>
            output.WriteLine($"epoch {r.Epoch}: train loss {r.TrainLoss:F4}, {r.Test}, {r.ExamplesProcessed / r.TrainingTime.TotalSeconds:F0} rows/s")));
        Assert.Equal(options.Epochs, result.Epochs.Count);
        // Training must make progress: the last epoch's loss is well below the first's.
        Assert.True(result.Epochs[^1].TrainLoss < result.Epochs[0].TrainLoss);
        return result;
    }

    private sealed class SynchronousProgress(Action<EpochReport> report) : IProgress<EpochReport>
    {
        public void Report(EpochReport value) => report(value);
    }
}
