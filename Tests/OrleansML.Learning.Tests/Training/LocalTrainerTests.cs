using OrleansML.Learning.Data.Synthetic;
using OrleansML.Learning.Metrics;
using OrleansML.Learning.Training;

namespace OrleansML.Learning.Tests.Training;

public sealed class LocalTrainerTests
{
    [Fact]
    public void Linear_regression_recovers_the_generating_weights()
    {
        SyntheticDenseProblem problem = SyntheticData.LinearRegression(new DenseProblemOptions { RowCount = 4000, FeatureCount = 8, Seed = 3 });
        var trainer = new LocalTrainer(new LinearRegression(8), new LocalTrainerOptions
        {
            Epochs = 30,
            BatchSize = 32,
            Optimizer = new OptimizerSettings { Kind = OptimizerKind.Adam, LearningRate = 0.02f, Schedule = new LearningRateScheduleSettings { Kind = LearningRateScheduleKind.Cosine, DecaySteps = 30 * 125 } },
        });

        TrainingResult result = trainer.Train(problem.Dataset);

        for (int i = 0; i < 8; i++)
        {
            Assert.Equal(problem.Weights[i], result.Parameters[i], 0.03f);
        }

        Assert.Equal(problem.Bias, result.Parameters[8], 0.03f);
        // Half the noise variance (0.1^2 / 2) is the best achievable loss; the trainer gets close to it.
        Assert.InRange(result.Epochs[^1].TrainLoss, 0.004, 0.008);
    }

    [Fact]
    public void Hashed_logistic_regression_on_click_data_ranks_almost_as_well_as_the_true_model()
    {
        SyntheticSparseProblem problem = SyntheticData.ClickThrough(new ClickThroughOptions { RowCount = 30000, FeatureCount = 2000, FeaturesPerRow = 15, Seed = 5 });
        (SparseDataset<int> train, SparseDataset<int> test) = DatasetOperations.SplitTrainTest(problem.Dataset, 0.2, seed: 9);
        var model = new HashedLogisticRegression(new HashedLogisticRegressionOptions { HashBits = 16 });
        var trainer = new LocalTrainer(model, new LocalTrainerOptions
        {
            Epochs = 10,
            BatchSize = 32,
            Optimizer = new OptimizerSettings { Kind = OptimizerKind.Ftrl, LearningRate = 0.5f, L1Regularization = 0.0001f, L2Regularization = 0.0001f },
        });

        TrainingResult result = trainer.Train(train, test);

        // The AUC of the generating weights is the ceiling any model can reach on this data.
        var truth = new AucMetric();
        for (int row = 0; row < test.RowCount; row++)
        {
            double z = problem.Bias;
            ReadOnlySpan<int> ids = test.RowIndices(row);
            ReadOnlySpan<float> values = test.RowValues(row);
            for (int j = 0; j < ids.Length; j++)
            {
                z += problem.Weights[ids[j]] * values[j];
            }

            truth.Add((float)z, test.Labels[row] > 0.5f);
        }

        double auc = result.FinalTest!.Auc!.Value;
        Assert.True(auc > truth.Value - 0.03, $"trained AUC {auc:F4} is more than 0.03 below the true model's {truth.Value:F4}");
        Assert.True(auc <= truth.Value + 0.01, $"trained AUC {auc:F4} cannot beat the generating model's {truth.Value:F4} by more than noise");
    }

    [Fact]
    public void Invalid_options_name_the_field()
    {
        var model = new LinearRegression(2);
        Assert.Contains("epochs", Assert.Throws<ArgumentException>(() => new LocalTrainer(model, new LocalTrainerOptions { Epochs = 0 })).Message, StringComparison.Ordinal);
        Assert.Contains("batchSize", Assert.Throws<ArgumentException>(() => new LocalTrainer(model, new LocalTrainerOptions { BatchSize = -1 })).Message, StringComparison.Ordinal);
        Assert.Contains("learningRate", Assert.Throws<ArgumentException>(() => new LocalTrainer(model, new LocalTrainerOptions { Optimizer = new OptimizerSettings { LearningRate = -1 } })).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dense_model_refuses_sparse_data_and_cancellation_stops_training()
    {
        SyntheticSparseProblem sparse = SyntheticData.ClickThrough(new ClickThroughOptions { RowCount = 100, FeatureCount = 50, FeaturesPerRow = 3 });
        var dense = new LocalTrainer(new LogisticRegression(50), new LocalTrainerOptions());
        Assert.Contains("Dense input", Assert.Throws<ArgumentException>(() => dense.Train(sparse.Dataset)).Message, StringComparison.Ordinal);

        SyntheticDenseProblem problem = SyntheticData.Logistic(new DenseProblemOptions { RowCount = 500, FeatureCount = 4 });
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        var trainer = new LocalTrainer(new LogisticRegression(4), new LocalTrainerOptions());
        Assert.Throws<OperationCanceledException>(() => trainer.Train(problem.Dataset, cancellationToken: cancellation.Token));
    }

    [Fact]
    public void Early_stopping_ends_the_run_when_test_loss_stops_improving()
    {
        SyntheticDenseProblem problem = SyntheticData.Logistic(new DenseProblemOptions { RowCount = 2000, FeatureCount = 5, Seed = 11 });
        (DenseDataset train, DenseDataset test) = DatasetOperations.SplitTrainTest(problem.Dataset, 0.25, seed: 1);
        var trainer = new LocalTrainer(new LogisticRegression(5), new LocalTrainerOptions
        {
            Epochs = 200,
            EarlyStoppingPatience = 2,
            Optimizer = new OptimizerSettings { Kind = OptimizerKind.Sgd, LearningRate = 0.5f },
        });

        TrainingResult result = trainer.Train(train, test);

        Assert.True(result.StoppedEarly);
        Assert.True(result.Epochs.Count < 200);
        EvaluationResult final = result.FinalTest!;
        Assert.True(final.Accuracy!.Value > 0.7);
    }
}
