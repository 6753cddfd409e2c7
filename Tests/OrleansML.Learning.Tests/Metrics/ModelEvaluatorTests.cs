using OrleansML.Learning.Metrics;

namespace OrleansML.Learning.Tests.Metrics;

public class ModelEvaluatorTests
{
    [Fact]
    public void Binary_model_gets_accuracy_log_loss_and_auc_over_chunks()
    {
        // One feature per row: the predicted P(y = 1).
        var dataset = new DenseDataset([0.9f, 0.2f, 0.6f, 0.4f, 0.7f], [1, 0, 0, 1, 1], 1);
        var model = new FakeModel(ModelTask.BinaryClassification, 1);
        var evaluator = new ModelEvaluator(model, chunkRows: 2);

        EvaluationResult result = evaluator.Evaluate([1f], DataBatch.All(dataset));

        Assert.Equal(2, model.LargestChunk);
        Assert.Equal(5, result.RowCount);
        Assert.Null(result.Rmse);
        Assert.Null(result.ConfusionMatrix);
        Assert.Equal(0.6, result.Accuracy!.Value, 1e-15); // 0.9, 0.2 and 0.7 right; 0.6 and 0.4 wrong.
        double expectedLogLoss = -(Math.Log(0.9) + Math.Log(0.8) + Math.Log(0.4) + Math.Log(0.4) + Math.Log(0.7)) / 5;
        Assert.Equal(expectedLogLoss, result.LogLoss!.Value, 1e-6);
        // Positives 0.9, 0.4, 0.7 against negatives 0.2, 0.6: 2 + 1 + 2 = 5 of 6 pairs.
        Assert.Equal(5.0 / 6, result.Auc!.Value, 1e-15);
        Assert.Equal("rows=5 accuracy=0.6000 logLoss=" + expectedLogLoss.ToString("F4", System.Globalization.CultureInfo.InvariantCulture) + " auc=0.8333", result.ToString());
    }

    [Fact]
    public void Sparse_batches_are_chunked_from_their_offset_like_dense_ones()
    {
        float[] probabilities = [0.9f, 0.2f, 0.6f, 0.4f, 0.7f, 0.3f];
        float[] labels = [1, 0, 0, 1, 1, 0];
        // The same probabilities split across one or two nonzeros per row.
        var sparse = new SparseDataset<int>([0, 2, 3, 5, 6, 7, 8], [0, 3, 1, 0, 2, 4, 1, 0], [0.5f, 0.4f, 0.2f, 0.25f, 0.35f, 0.4f, 0.7f, 0.3f], labels, 5);
        var dense = new DenseDataset(probabilities, labels, 1);
        var evaluator = new ModelEvaluator(new FakeModel(ModelTask.BinaryClassification, 1), chunkRows: 2);

        EvaluationResult fromSparse = evaluator.Evaluate([1f], DataBatch.Of(sparse, 1, 5));
        EvaluationResult fromDense = evaluator.Evaluate([1f], DataBatch.Of(dense, 1, 5));

        Assert.Equal(5, fromSparse.RowCount);
        Assert.Equal(fromDense.Accuracy!.Value, fromSparse.Accuracy!.Value);
        Assert.Equal(fromDense.LogLoss!.Value, fromSparse.LogLoss!.Value, 1e-6);
        Assert.Equal(fromDense.Auc!.Value, fromSparse.Auc!.Value);
        Assert.Equal(5.0 / 6, fromDense.Auc.Value, 1e-15); // positives 0.4, 0.7 against negatives 0.2, 0.6, 0.3: 2 + 3 of 6 pairs.
    }

    [Fact]
    public void Multiclass_model_gets_accuracy_log_loss_and_confusion_matrix()
    {
        float[] probabilities =
        [
            0.7f, 0.2f, 0.1f,
            0.1f, 0.8f, 0.1f,
            0.3f, 0.3f, 0.4f,
            0.5f, 0.4f, 0.1f,
        ];
        var dataset = new DenseDataset(probabilities, [0, 1, 1, 2], 3);
        var evaluator = new ModelEvaluator(new FakeModel(ModelTask.MulticlassClassification, 3), chunkRows: 3);

        EvaluationResult result = evaluator.Evaluate([1f], DataBatch.All(dataset));

        Assert.Equal(0.5, result.Accuracy!.Value, 1e-15);
        Assert.Equal(-(Math.Log(0.7) + Math.Log(0.8) + Math.Log(0.3) + Math.Log(0.1)) / 4, result.LogLoss!.Value, 1e-6);
        Assert.Equal(new long[] { 1, 0, 0, 0, 1, 1, 1, 0, 0 }, result.ConfusionMatrix!.Counts.ToArray());
        Assert.Null(result.Auc);
    }

    [Fact]
    public void Regression_model_gets_rmse_and_partition_results_merge_to_the_whole()
    {
        var dataset = new DenseDataset([1f, 2f, 4f, 0f, -1f], [1f, 3f, 1f, 0f, 1f], 1);
        var evaluator = new ModelEvaluator(new FakeModel(ModelTask.Regression, 1), chunkRows: 4);

        EvaluationResult whole = evaluator.Evaluate([1f], DataBatch.All(dataset));
        EvaluationResult merged = evaluator.Evaluate([1f], DataBatch.Of(dataset, 0, 2));
        merged.Merge(evaluator.Evaluate([1f], DataBatch.Of(dataset, 2, 3)));

        Assert.Equal(Math.Sqrt(14.0 / 5), whole.Rmse!.Value, 1e-15); // errors 0, -1, 3, 0, -2
        Assert.Equal(whole.Rmse.Value, merged.Rmse!.Value, 1e-15);
        Assert.Equal(5, merged.RowCount);
        Assert.Null(whole.Accuracy);
    }

    [Fact]
    public void Bad_labels_name_the_row_and_mismatched_inputs_are_rejected()
    {
        var binary = new DenseDataset([0.5f, 0.5f, 0.5f], [1, 0, 2], 1);
        var evaluator = new ModelEvaluator(new FakeModel(ModelTask.BinaryClassification, 1));
        var error = Assert.Throws<ArgumentException>(() => evaluator.Evaluate([1f], DataBatch.All(binary)));
        Assert.Contains("row 2", error.Message, StringComparison.Ordinal);

        Assert.Throws<ArgumentException>(() => evaluator.Evaluate([1f, 2f], DataBatch.All(binary)));
        Assert.Throws<ArgumentException>(() => evaluator.Accumulate([1f], DataBatch.All(binary), EvaluationResult.Empty(ModelTask.Regression)));
        Assert.Throws<ArgumentException>(() => new ModelEvaluator(new FakeModel(ModelTask.MulticlassClassification, 1)));

        var multiclass = new DenseDataset([0.5f, 0.5f, 0.5f, 0.5f], [0, 1.5f], 2);
        var multiclassEvaluator = new ModelEvaluator(new FakeModel(ModelTask.MulticlassClassification, 2));
        error = Assert.Throws<ArgumentException>(() => multiclassEvaluator.Evaluate([1f], DataBatch.All(multiclass)));
        Assert.Contains("row 1", error.Message, StringComparison.Ordinal);
    }
}
