using OrleansML.Learning.Models.Sparse;

namespace OrleansML.Learning.Models;

/// <summary>
/// A degree-2 factorization machine over sparse input (Rendle, 2010):
/// ŷ(x) = w0 + Σ_i w_i x_i + Σ_{i&lt;j} ⟨v_i, v_j⟩ x_i x_j, computed in O(k · nnz) as
/// w0 + Σ_i w_i x_i + ½ Σ_f [(Σ_i v_{i,f} x_i)² − Σ_i v_{i,f}² x_i²].
/// </summary>
/// <remarks>
/// Parameter layout (length 1 + F·(k+1), F = <see cref="FeatureCount"/>, k = <see cref="FactorCount"/>):
/// <c>[w0, w_0, v_0[0..k-1], w_1, v_1[0..k-1], …, w_{F-1}, v_{F-1}[0..k-1]]</c>. Each feature's linear
/// weight and factors are adjacent (stride k+1), so one feature costs one or two cache lines to read, and a
/// parameter shard that splits the vector into key ranges keeps a feature's parameters together.
/// <see cref="LinearWeightIndex"/> and <see cref="FactorIndex"/> compute positions.
/// <para>
/// <see cref="ModelTask.BinaryClassification"/> applies a sigmoid to ŷ and uses log-loss (labels in [0, 1]);
/// <see cref="ModelTask.Regression"/> predicts ŷ with half squared error. Repeated ids in a row are treated
/// as separate nonzeros sharing parameters; the gradient stays exact for that function.
/// The instance owns scratch (k-length vectors, per-row slopes and sums, the sparse gradient's window buffers), so it must not be used by two threads at once.
/// </para>
/// </remarks>
public sealed class FactorizationMachine : ISparseModel, ISliceInitializable
{
    /// <summary>Index of the global bias w0.</summary>
    public const int GlobalBiasIndex = 0;

    private const string ModelName = "factorization-machine";

    private readonly float _initialFactorStandardDeviation;
    private readonly float[] _sums;
    private readonly float[] _squareSums;
    // Rows ahead whose parameter blocks are loaded while a row is computed: with the one-pass row kernel, 1 measured
    // ahead of 2 and 4 (107 vs 94 and 90 M nonzeros/s of forward pass on the kernels benchmark's rows).
    private const int PrefetchRows = 1;

    // Created on the first sparse gradient, so that a model used only to predict pays nothing for them.
    private BatchNonzeroPartition? _partition;
    private FactorGradientScatter? _scatter;
    private float[] _rowScales = [];
    private float[] _rowSums = [];
    private float[]? _denseXTerms;

    /// <summary>Creates a model with the given settings (defaults when null).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is invalid; the exception names it.</exception>
    public FactorizationMachine(FactorizationMachineOptions? options = null)
    {
        options ??= new FactorizationMachineOptions();
        options.Validate();
        FeatureCount = options.FeatureCount;
        FactorCount = options.FactorCount;
        Task = options.Task;
        _initialFactorStandardDeviation = options.InitialFactorStandardDeviation;
        _sums = new float[FactorCount];
        _squareSums = new float[FactorCount];
    }

    /// <summary>Feature ids lie in [0, FeatureCount).</summary>
    public int FeatureCount { get; }

    /// <summary>Length k of each feature's factor vector.</summary>
    public int FactorCount { get; }

    /// <summary>Distance between consecutive features' blocks: k + 1.</summary>
    public int FeatureStride => FactorCount + 1;

    /// <inheritdoc/>
    public string Name => ModelName;

    /// <inheritdoc/>
    public ModelInput Input => ModelInput.Sparse;

    /// <inheritdoc/>
    public ModelTask Task { get; }

    /// <inheritdoc/>
    public int ParameterCount => 1 + (FeatureCount * FeatureStride);

    /// <inheritdoc/>
    public int OutputsPerRow => 1;

    /// <summary>Position of the linear weight w_feature.</summary>
    public int LinearWeightIndex(int feature)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(feature);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(feature, FeatureCount);
        return 1 + (feature * FeatureStride);
    }

    /// <summary>Position of factor <paramref name="factor"/> of v_feature.</summary>
    public int FactorIndex(int feature, int factor)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(factor);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(factor, FactorCount);
        return LinearWeightIndex(feature) + 1 + factor;
    }

    /// <summary>
    /// Zeroes w0 and the linear weights and draws each factor from N(0, InitialFactorStandardDeviation²),
    /// deterministically for <paramref name="seed"/>; the nonzero factors break the symmetry that would keep
    /// every factor's gradient at zero.
    /// </summary>
    public void InitializeParameters(Span<float> parameters, int seed)
    {
        SparseModelChecks.RequireLength(parameters.Length, ParameterCount, nameof(parameters));
        InitializeSlice(parameters, 0, seed);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The factors come from one seeded stream in index order, so every draw before the slice is still made
    /// (and discarded): the time is that of the prefix, the memory only the slice's.
    /// </remarks>
    public void InitializeSlice(Span<float> slice, int offset, int seed)
    {
        SliceChecks.RequireRange(this, offset, slice.Length);
        slice.Clear();
        long end = (long)offset + slice.Length;
        var random = new Random(seed);
        for (int feature = 0; feature < FeatureCount; feature++)
        {
            long first = 2 + ((long)feature * FeatureStride);
            if (first >= end)
            {
                return;
            }

            for (int f = 0; f < FactorCount; f++)
            {
                // Box-Muller: 1 - NextDouble() lies in (0, 1], so the logarithm is finite.
                double radius = Math.Sqrt(-2d * Math.Log(1d - random.NextDouble()));
                float value = (float)(radius * Math.Cos(2d * Math.PI * random.NextDouble()) * _initialFactorStandardDeviation);
                long index = first + f;
                if (index >= offset && index < end)
                {
                    slice[(int)(index - offset)] = value;
                }
            }
        }
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

        SimdLevel level = KernelSupport.Level;
        float inverseCount = 1f / batch.Count;
        double lossSum = 0d;
        float biasGradient = 0f;
        // Σ t · x per feature, for the factor gradient's second term.
        Span<float> xTerms = _denseXTerms ??= new float[FeatureCount];
        xTerms.Clear();
        for (int row = batch.Start; row < batch.Start + batch.Count; row++)
        {
            PrefetchAhead(parameters, dataset, row, batch.Start + batch.Count);
            ReadOnlySpan<int> indices = dataset.RowIndices(row);
            ReadOnlySpan<float> values = dataset.RowValues(row);
            // RawPrediction leaves the row's factor sums in _sums, which every factor partial needs.
            float raw = RawPrediction(parameters, indices, values, _sums, level);
            lossSum += RowLoss(raw, dataset.Labels[row], row, out float lossSlope);
            float scale = lossSlope * inverseCount;
            biasGradient += scale;
            for (int j = 0; j < indices.Length; j++)
            {
                int first = checked(1 + (indices[j] * FeatureStride));
                float x = values[j];
                float t = scale * x;
                gradient[first] += t;
                FactorGradientKernels.AddScaledSums(t, _sums, gradient.Slice(first + 1, FactorCount), level);
                xTerms[indices[j]] = MathF.FusedMultiplyAdd(t, x, xTerms[indices[j]]);
            }
        }

        // The same split as the sparse path (FactorGradientScatter), so the two agree exactly; an untouched feature
        // finishes at zero.
        for (int feature = 0; feature < FeatureCount; feature++)
        {
            Span<float> factors = gradient.Slice(2 + (feature * FeatureStride), FactorCount);
            FactorGradientKernels.Finish(factors, xTerms[feature], parameters.Slice(2 + (feature * FeatureStride), FactorCount), factors, level);
        }

        gradient[GlobalBiasIndex] = biasGradient;
        return (float)(lossSum * inverseCount);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Two passes: the forward pass keeps each row's loss slope and factor sums, then the nonzeros, regrouped by
    /// feature window (<see cref="BatchNonzeroPartition"/>), add their blocks into a cache-sized window that is
    /// compacted into ascending keys. Each feature sums its contributions in row order, as the dense gradient does.
    /// </remarks>
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

        if (_rowScales.Length < batch.Count)
        {
            _rowScales = new float[batch.Count];
            _rowSums = new float[checked(batch.Count * FactorCount)];
        }

        SimdLevel level = KernelSupport.Level;
        float inverseCount = 1f / batch.Count;
        double lossSum = 0d;
        float biasGradient = 0f;
        for (int i = 0; i < batch.Count; i++)
        {
            int row = batch.Start + i;
            PrefetchAhead(parameters, dataset, row, batch.Start + batch.Count);

            Span<float> sums = _rowSums.AsSpan(i * FactorCount, FactorCount);
            float raw = RawPrediction(parameters, dataset.RowIndices(row), dataset.RowValues(row), sums, level);
            lossSum += RowLoss(raw, dataset.Labels[row], row, out float lossSlope);
            float scale = lossSlope * inverseCount;
            _rowScales[i] = scale;
            biasGradient += scale;
        }

        // Key 0 first, then the features' blocks in ascending order: SortByKey meets sorted keys.
        gradient.AppendAscending(GlobalBiasIndex, biasGradient);
        BatchNonzeroPartition partition = _partition ??= new BatchNonzeroPartition(FeatureCount, ScatterWindowBits(FeatureStride));
        partition.Partition(dataset, batch.Start, batch.Count);
        _scatter ??= new FactorGradientScatter(partition.WindowBits, FactorCount);
        _scatter.ScatterTo(partition, _rowScales.AsSpan(0, batch.Count), _rowSums.AsSpan(0, batch.Count * FactorCount), parameters, gradient, 1, level);
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

        keys.Add(GlobalBiasIndex, 0f);
        ReadOnlySpan<int> rowPointers = dataset.RowPointers;
        foreach (int feature in dataset.Indices[rowPointers[batch.Start]..rowPointers[batch.Start + batch.Count]])
        {
            // A feature's keys are adjacent, so adding them together touches one or two lines of the key map.
            int firstKey = LinearWeightIndex(feature);
            for (int offset = 0; offset < FeatureStride; offset++)
            {
                keys.Add(firstKey + offset, 0f);
            }
        }
    }

    /// <inheritdoc/>
    public float ComputeLoss(ReadOnlySpan<float> parameters, DataBatch batch)
    {
        SparseDataset<int> dataset = Check(parameters, batch);
        if (batch.Count == 0)
        {
            return 0f;
        }

        SimdLevel level = KernelSupport.Level;
        double lossSum = 0d;
        for (int row = batch.Start; row < batch.Start + batch.Count; row++)
        {
            PrefetchAhead(parameters, dataset, row, batch.Start + batch.Count);
            float raw = RawPrediction(parameters, dataset.RowIndices(row), dataset.RowValues(row), _sums, level);
            lossSum += RowLoss(raw, dataset.Labels[row], row, out _);
        }

        return (float)(lossSum / batch.Count);
    }

    /// <inheritdoc/>
    public void Predict(ReadOnlySpan<float> parameters, DataBatch batch, Span<float> outputs)
    {
        SparseDataset<int> dataset = Check(parameters, batch);
        SparseModelChecks.RequireOutputs(outputs.Length, batch.Count, nameof(outputs));
        SimdLevel level = KernelSupport.Level;
        for (int i = 0; i < batch.Count; i++)
        {
            int row = batch.Start + i;
            PrefetchAhead(parameters, dataset, row, batch.Start + batch.Count);
            float raw = RawPrediction(parameters, dataset.RowIndices(row), dataset.RowValues(row), _sums, level);
            outputs[i] = Task == ModelTask.BinaryClassification ? LogisticMath.Sigmoid(raw) : raw;
        }
    }

    /// <summary>ŷ before any link function; leaves the row's factor sums Σ_j x_j v_{j,f} in <paramref name="sums"/>.</summary>
    private float RawPrediction(ReadOnlySpan<float> parameters, ReadOnlySpan<int> indices, ReadOnlySpan<float> values, Span<float> sums, SimdLevel level)
    {
        // One pass reads each block [w_i, v_i] once: w_i shares its cache lines with v_i.
        float linear = FactorKernels.AccumulateRow(indices, values, parameters, 1, FeatureStride, sums, _squareSums, level);
        return parameters[GlobalBiasIndex] + linear + FactorKernels.PairwiseInteraction(sums, _squareSums);
    }

    /// <summary>Starts loading the blocks of row <paramref name="row"/> + PrefetchRows, if the batch holds it.</summary>
    private void PrefetchAhead(ReadOnlySpan<float> parameters, SparseDataset<int> dataset, int row, int end)
    {
        if (row + PrefetchRows < end)
        {
            SparseRowKernels.PrefetchBlocks(dataset.RowIndices(row + PrefetchRows), parameters, 1, FeatureStride, FeatureStride);
        }
    }

    /// <summary>
    /// Features per window of the sparse gradient's scatter: about 8,192 floats of blocks (32 KiB), which stays in
    /// L1/L2 while it fills, and never fewer than 64 features, one word of the window's touched bitmap.
    /// </summary>
    private static int ScatterWindowBits(int stride) =>
        Math.Max(6, 13 - System.Numerics.BitOperations.Log2(System.Numerics.BitOperations.RoundUpToPowerOf2((uint)stride)));

    private float RowLoss(float raw, float label, int row, out float slope)
    {
        if (Task == ModelTask.BinaryClassification)
        {
            LogisticMath.CheckBinaryLabel(label, row, ModelName);
            slope = LogisticMath.Sigmoid(raw) - label;
            return LogisticMath.LogLoss(raw, label);
        }

        Debug.Assert(Task == ModelTask.Regression, "options allow only binary classification and regression");
        LogisticMath.CheckRegressionLabel(label, row, ModelName);
        slope = raw - label;
        return 0.5f * slope * slope;
    }

    private SparseDataset<int> Check(ReadOnlySpan<float> parameters, DataBatch batch)
    {
        SparseModelChecks.RequireLength(parameters.Length, ParameterCount, nameof(parameters));
        return SparseModelChecks.RequireSparse(batch, ModelName, FeatureCount);
    }
}
