using OrleansML.Learning.Models.Sparse;

namespace OrleansML.Learning.Models;

/// <summary>
/// Binary logistic regression over hashed sparse features: P(y=1 | x) = σ(Σ_j x_j · w[id_j] + b).
/// </summary>
/// <remarks>
/// Parameter layout (length 2^HashBits + 1): <c>[w_0 .. w_{F-1}, b]</c>, F = <see cref="FeatureCount"/>;
/// the bias sits at <see cref="BiasIndex"/> = F. Labels are in [0, 1] (0 or 1 for hard labels; soft labels
/// are accepted because the cross-entropy is defined for them). Loss is the mean log-loss, computed as
/// softplus(z) − y·z so that it stays finite for any logit. The instance owns the scratch that accumulates sparse
/// gradients in key order, so it must not be used by two threads at once.
/// </remarks>
public sealed class HashedLogisticRegression : ISparseModel, ISliceInitializable
{
    private const string ModelName = "hashed-logistic-regression";

    // Rows ahead whose loads are started while a row is computed: measured best of 1, 2 and 4 (see LinearGradientAccumulator).
    private const int PrefetchRows = 2;

    // Created on the first sparse gradient: it costs 4 bytes per bucket, which a model used only to predict should not pay.
    private LinearGradientAccumulator? _accumulator;
    private float[] _rowScales = [];

    /// <summary>Creates a model with the given settings (defaults when null).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is invalid; the exception names it.</exception>
    public HashedLogisticRegression(HashedLogisticRegressionOptions? options = null)
    {
        options ??= new HashedLogisticRegressionOptions();
        options.Validate();
        FeatureCount = 1 << options.HashBits;
    }

    /// <summary>Number of weight buckets, 2^HashBits; feature ids lie in [0, FeatureCount).</summary>
    public int FeatureCount { get; }

    /// <summary>Index of the bias in the parameter vector (the last one).</summary>
    public int BiasIndex => FeatureCount;

    /// <inheritdoc/>
    public string Name => ModelName;

    /// <inheritdoc/>
    public ModelInput Input => ModelInput.Sparse;

    /// <inheritdoc/>
    public ModelTask Task => ModelTask.BinaryClassification;

    /// <inheritdoc/>
    public int ParameterCount => FeatureCount + 1;

    /// <inheritdoc/>
    public int OutputsPerRow => 1;

    /// <summary>Writes zeros: the loss is convex, so no symmetry needs breaking and the seed is not used.</summary>
    public void InitializeParameters(Span<float> parameters, int seed)
    {
        SparseModelChecks.RequireLength(parameters.Length, ParameterCount, nameof(parameters));
        parameters.Clear();
    }

    /// <inheritdoc/>
    public void InitializeSlice(Span<float> slice, int offset, int seed)
    {
        SliceChecks.RequireRange(this, offset, slice.Length);
        slice.Clear();
    }

    /// <inheritdoc/>
    public float ComputeGradient(ReadOnlySpan<float> parameters, DataBatch batch, Span<float> gradient)
    {
        SparseDataset<int> dataset = Check(parameters, batch);
        SparseModelChecks.RequireLength(gradient.Length, ParameterCount, nameof(gradient));
        gradient.Clear();
        if (batch.Count == 0)
        {
            return 0f;
        }

        Span<float> rowScales = RowScales(batch.Count);
        float loss = Residuals(parameters, dataset, batch, rowScales, out float biasGradient);
        for (int i = 0; i < batch.Count; i++)
        {
            int row = batch.Start + i;
            SparseRowKernels.ScatterAdd(dataset.RowIndices(row), dataset.RowValues(row), rowScales[i], gradient);
        }

        gradient[BiasIndex] = biasGradient;
        return loss;
    }

    /// <inheritdoc/>
    public float ComputeSparseGradient(ReadOnlySpan<float> parameters, DataBatch batch, SparseGradient gradient)
    {
        SparseDataset<int> dataset = Check(parameters, batch);
        SparseModelChecks.RequireParameterCount(gradient, ParameterCount, nameof(gradient));
        gradient.Clear();
        if (batch.Count == 0)
        {
            gradient.SortByKey();
            return 0f;
        }

        // A previous call that threw part-way (a bad label) may have left values behind.
        LinearGradientAccumulator accumulator = _accumulator ??= new LinearGradientAccumulator(FeatureCount);
        accumulator.Reset();
        ReadOnlySpan<float> weights = parameters[..FeatureCount];
        float bias = parameters[BiasIndex];
        float inverseCount = 1f / batch.Count;
        SimdLevel level = KernelSupport.Level;
        double lossSum = 0d;
        float biasGradient = 0f;
        int end = batch.Start + batch.Count;
        for (int row = batch.Start; row < end; row++)
        {
            if (row + PrefetchRows < end)
            {
                accumulator.PrefetchRow(dataset.RowIndices(row + PrefetchRows), weights);
            }

            ReadOnlySpan<int> indices = dataset.RowIndices(row);
            ReadOnlySpan<float> values = dataset.RowValues(row);
            float residual = RowResidual(weights, bias, indices, values, dataset.Labels[row], row, level, ref lossSum) * inverseCount;
            accumulator.AddScaledRow(indices, values, residual);
            biasGradient += residual;
        }

        accumulator.FlushTo(gradient, 0);
        // The weights' keys ascend out of the scatter and the bias is the last key: SortByKey meets sorted keys.
        gradient.AppendAscending(BiasIndex, biasGradient);
        gradient.SortByKey();
        return (float)(lossSum * inverseCount);
    }

    /// <inheritdoc/>
    public void CollectTouchedParameters(DataBatch batch, SparseGradient keys)
    {
        SparseDataset<int> dataset = SparseModelChecks.RequireSparse(batch, ModelName, FeatureCount);
        SparseModelChecks.RequireParameterCount(keys, ParameterCount, nameof(keys));
        if (batch.Count == 0)
        {
            return;
        }

        ReadOnlySpan<int> rowPointers = dataset.RowPointers;
        SparseRowKernels.CollectKeys(dataset.Indices[rowPointers[batch.Start]..rowPointers[batch.Start + batch.Count]], keys);
        keys.Add(BiasIndex, 0f);
    }

    /// <inheritdoc/>
    public float ComputeLoss(ReadOnlySpan<float> parameters, DataBatch batch)
    {
        SparseDataset<int> dataset = Check(parameters, batch);
        if (batch.Count == 0)
        {
            return 0f;
        }

        ReadOnlySpan<float> weights = parameters[..FeatureCount];
        float bias = parameters[BiasIndex];
        SimdLevel level = KernelSupport.Level;
        double lossSum = 0d;
        for (int row = batch.Start; row < batch.Start + batch.Count; row++)
        {
            RowResidual(weights, bias, dataset.RowIndices(row), dataset.RowValues(row), dataset.Labels[row], row, level, ref lossSum);
        }

        return (float)(lossSum / batch.Count);
    }

    /// <inheritdoc/>
    public void Predict(ReadOnlySpan<float> parameters, DataBatch batch, Span<float> outputs)
    {
        SparseDataset<int> dataset = Check(parameters, batch);
        SparseModelChecks.RequireOutputs(outputs.Length, batch.Count, nameof(outputs));
        ReadOnlySpan<float> weights = parameters[..FeatureCount];
        float bias = parameters[BiasIndex];
        SimdLevel level = KernelSupport.Level;
        for (int i = 0; i < batch.Count; i++)
        {
            int row = batch.Start + i;
            float logit = SparseRowKernels.Dot(dataset.RowIndices(row), dataset.RowValues(row), weights, level) + bias;
            outputs[i] = LogisticMath.Sigmoid(logit);
        }
    }

    /// <summary>
    /// Writes (σ(z) − y) / n of every row into <paramref name="rowScales"/>, returns the mean log-loss and the bias's
    /// gradient. The sparse gradient computes the same residuals row by row, and both sum each feature's row
    /// contributions in row order, which is what keeps them equal.
    /// </summary>
    private float Residuals(ReadOnlySpan<float> parameters, SparseDataset<int> dataset, DataBatch batch, Span<float> rowScales, out float biasGradient)
    {
        Debug.Assert(batch.Count > 0, "callers return early on an empty batch");
        ReadOnlySpan<float> weights = parameters[..FeatureCount];
        float bias = parameters[BiasIndex];
        float inverseCount = 1f / batch.Count;
        SimdLevel level = KernelSupport.Level;
        double lossSum = 0d;
        biasGradient = 0f;
        for (int i = 0; i < batch.Count; i++)
        {
            int row = batch.Start + i;
            float residual = RowResidual(weights, bias, dataset.RowIndices(row), dataset.RowValues(row), dataset.Labels[row], row, level, ref lossSum) * inverseCount;
            rowScales[i] = residual;
            biasGradient += residual;
        }

        return (float)(lossSum * inverseCount);
    }

    /// <summary>Adds the row's log-loss to <paramref name="lossSum"/> and returns dLoss/dLogit = σ(z) − y.</summary>
    private static float RowResidual(ReadOnlySpan<float> weights, float bias, ReadOnlySpan<int> indices, ReadOnlySpan<float> values, float label, int row, SimdLevel level, ref double lossSum)
    {
        LogisticMath.CheckBinaryLabel(label, row, ModelName);
        float logit = SparseRowKernels.Dot(indices, values, weights, level) + bias;
        float residual = LossAndResidual(logit, label, out float loss);
        lossSum += loss;
        Debug.Assert(residual is >= -1f and <= 1f || float.IsNaN(logit), "a probability minus a label in [0, 1]");
        return residual;
    }

    /// <summary>
    /// <see cref="LogisticMath.LogLoss"/> and <see cref="LogisticMath.Sigmoid"/>(z) − y bit for bit (tests), from one
    /// e^−|z|: the two compute it once each, three transcendental calls for a row of some 40 nonzeros.
    /// </summary>
    internal static float LossAndResidual(float logit, float label, out float loss)
    {
        float exponential = MathF.Exp(-MathF.Abs(logit));
        float onePlusExponential = 1f + exponential;
        loss = MathF.Max(logit, 0f) + MathF.Log(onePlusExponential) - (label * logit);
        float probability = logit >= 0f ? 1f / onePlusExponential : exponential / onePlusExponential;
        return probability - label;
    }

    private Span<float> RowScales(int rowCount)
    {
        if (_rowScales.Length < rowCount)
        {
            _rowScales = new float[rowCount];
        }

        return _rowScales.AsSpan(0, rowCount);
    }

    private SparseDataset<int> Check(ReadOnlySpan<float> parameters, DataBatch batch)
    {
        SparseModelChecks.RequireLength(parameters.Length, ParameterCount, nameof(parameters));
        return SparseModelChecks.RequireSparse(batch, ModelName, FeatureCount);
    }
}
