using OrleansML.Learning.Metrics;
using OrleansML.Learning.Optimizers;

namespace OrleansML.Learning.Training;

/// <summary>
/// Trains a model with mini-batch gradient descent on one thread, in process. It is the "one
/// well-written thread" (McSherry et al., COST) that the distributed trainer is measured against, so
/// it does nothing a worker would not: same models, same kernels, same optimizers.
/// </summary>
/// <remarks>
/// Rows are shuffled once; each epoch visits contiguous batches in a fresh random order, so kernels
/// stream memory in order. Dense models take dense gradients; <see cref="ISparseModel"/>s take sparse
/// gradients and lazy optimizer updates over the keys a batch touched. Nothing is allocated per batch.
/// </remarks>
public sealed class LocalTrainer
{
    private readonly IModel _model;
    private readonly LocalTrainerOptions _options;

    /// <summary>Creates a trainer; the options are validated here.</summary>
    public LocalTrainer(IModel model, LocalTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _model = model;
        _options = options;
    }

    /// <summary>Trains on dense data, evaluating on <paramref name="test"/> when given.</summary>
    public TrainingResult Train(DenseDataset train, DenseDataset? test = null, IProgress<EpochReport>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        RequireInput(ModelInput.Dense, train.RowCount, nameof(train));
        DenseDataset shuffled = DatasetOperations.Shuffle(train, _options.Seed);
        return Run(
            shuffled.RowCount,
            epoch => _options.ReshuffleRowsEachEpoch && epoch > 1 ? shuffled = DatasetOperations.Shuffle(shuffled, _options.Seed + epoch) : shuffled,
            DataBatch.Of,
            test is null ? null : DataBatch.All(test),
            progress,
            cancellationToken);
    }

    /// <summary>Trains on sparse data, evaluating on <paramref name="test"/> when given.</summary>
    public TrainingResult Train(SparseDataset<int> train, SparseDataset<int>? test = null, IProgress<EpochReport>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        RequireInput(ModelInput.Sparse, train.RowCount, nameof(train));
        SparseDataset<int> shuffled = DatasetOperations.Shuffle(train, _options.Seed);
        return Run(
            shuffled.RowCount,
            epoch => _options.ReshuffleRowsEachEpoch && epoch > 1 ? shuffled = DatasetOperations.Shuffle(shuffled, _options.Seed + epoch) : shuffled,
            DataBatch.Of,
            test is null ? null : DataBatch.All(test),
            progress,
            cancellationToken);
    }

    private TrainingResult Run<TSource>(
        int rowCount,
        Func<int, TSource> sourceForEpoch,
        Func<TSource, int, int, DataBatch> batchOf,
        DataBatch? test,
        IProgress<EpochReport>? progress,
        CancellationToken cancellationToken)
    {
        var parameters = new float[_model.ParameterCount];
        _model.InitializeParameters(parameters, _options.Seed);
        Optimizer optimizer = _options.Optimizer.Create();
        OptimizerState state = optimizer.CreateState(parameters.Length);
        var sparseModel = _model as ISparseModel;
        float[]? denseGradient = sparseModel is null ? new float[parameters.Length] : null;
        SparseGradient? sparseGradient = sparseModel is null ? null : new SparseGradient(parameters.Length);
        var evaluator = new ModelEvaluator(_model);

        int batchSize = Math.Min(_options.BatchSize, rowCount);
        int batchCount = (rowCount + batchSize - 1) / batchSize;
        var batchOrder = new int[batchCount];
        var random = new Random(_options.Seed);
        var reports = new List<EpochReport>(_options.Epochs);
        long updateNumber = 0;
        double bestTestLoss = double.PositiveInfinity;
        int epochsWithoutImprovement = 0;
        bool stoppedEarly = false;

        for (int epoch = 1; epoch <= _options.Epochs; epoch++)
        {
            TSource source = sourceForEpoch(epoch);
            for (int b = 0; b < batchCount; b++)
            {
                batchOrder[b] = b;
            }

            random.Shuffle(batchOrder);
            double lossSum = 0;
            long timestamp = Stopwatch.GetTimestamp();
            foreach (int b in batchOrder)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int start = b * batchSize;
                DataBatch batch = batchOf(source, start, Math.Min(batchSize, rowCount - start));
                updateNumber++;
                float loss;
                if (sparseModel is not null)
                {
                    loss = sparseModel.ComputeSparseGradient(parameters, batch, sparseGradient!);
                    optimizer.ApplySparse(parameters, sparseGradient!.Keys, sparseGradient.Values, state, updateNumber);
                }
                else
                {
                    loss = _model.ComputeGradient(parameters, batch, denseGradient);
                    optimizer.Apply(parameters, denseGradient, state, updateNumber);
                }

                lossSum += (double)loss * batch.Count;
            }

            TimeSpan trainingTime = Stopwatch.GetElapsedTime(timestamp);
            EvaluationResult? evaluation = test is { } t && (_options.EvaluateEachEpoch || epoch == _options.Epochs)
                ? evaluator.Evaluate(parameters, t)
                : null;
            var report = new EpochReport(epoch, lossSum / rowCount, evaluation, trainingTime, rowCount);
            reports.Add(report);
            progress?.Report(report);

            if (_options.EarlyStoppingPatience > 0 && evaluation is not null)
            {
                double testLoss = evaluation.LogLoss?.Value ?? evaluation.Rmse!.Value;
                if (testLoss < bestTestLoss)
                {
                    bestTestLoss = testLoss;
                    epochsWithoutImprovement = 0;
                }
                else if (++epochsWithoutImprovement >= _options.EarlyStoppingPatience)
                {
                    stoppedEarly = epoch < _options.Epochs;
                    break;
                }
            }
        }

        return new TrainingResult(parameters, reports, stoppedEarly);
    }

    private void RequireInput(ModelInput input, int rowCount, string parameterName)
    {
        if (_model.Input != input)
        {
            throw new ArgumentException($"model '{_model.Name}' takes {_model.Input} input, but the training set is {input}.", parameterName);
        }

        if (rowCount == 0)
        {
            throw new ArgumentException("the training set has no rows.", parameterName);
        }
    }
}
