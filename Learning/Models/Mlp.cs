using System.Collections.ObjectModel;
using OrleansML.Learning.Models.Dense;

namespace OrleansML.Learning.Models;

/// <summary>
/// A multilayer perceptron classifier on dense features: fully connected layers with ReLU between them
/// and a softmax output, trained on the mean log-loss. Labels are class ids 0..K-1 where K is the last
/// layer size.
/// </summary>
/// <remarks>
/// <para>Layer sizes s0 (features), s1, ..., sL (classes). Parameter layout: for each layer l = 1..L in
/// order, its weights W_l (s_l x s_(l-1), row-major, one row per output unit) then its biases b_l (s_l).
/// <see cref="WeightOffset"/> and <see cref="BiasOffset"/> give where each starts.</para>
/// <para>Rows are processed in blocks of <see cref="BlockRows"/>: the forward activations and backward
/// deltas of one block live in scratch allocated once by the constructor, and the weight gradients
/// accumulate over blocks, so memory does not grow with the batch.</para>
/// </remarks>
public sealed class Mlp : ISliceInitializable
{
    /// <summary>Default rows per block: amortises each pass over a 784x128 weight gradient over 64 rows.</summary>
    public const int DefaultBlockRows = 64;

    private readonly int[] _sizes;
    private readonly int[] _weightOffsets;
    private readonly float[][] _activations;
    private readonly float[][] _deltas;
    private readonly float[][] _transposedDeltas;

    /// <summary>Creates the network.</summary>
    /// <param name="layerSizes">Features, then each hidden layer's width, then the class count (at least 2); every size at least 1.</param>
    /// <param name="blockRows">Rows per block, 1..4096; <see cref="DefaultBlockRows"/> unless tuning.</param>
    public Mlp(IReadOnlyList<int> layerSizes, int blockRows = DefaultBlockRows)
    {
        ArgumentNullException.ThrowIfNull(layerSizes);
        if (layerSizes.Count < 2)
        {
            throw new ArgumentException($"layerSizes needs at least the feature count and the class count, but has {layerSizes.Count} entries.", nameof(layerSizes));
        }

        DenseModelChecks.RequireBlockRows(blockRows, nameof(blockRows));
        _sizes = [.. layerSizes];
        for (int i = 0; i < _sizes.Length; i++)
        {
            if (_sizes[i] < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(layerSizes), $"layerSizes[{i}] is {_sizes[i]}; every layer needs at least one unit.");
            }
        }

        if (_sizes[^1] < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(layerSizes), "the last layer size is the class count and must be at least 2.");
        }

        _weightOffsets = new int[_sizes.Length];
        long offset = 0;
        for (int layer = 1; layer < _sizes.Length; layer++)
        {
            _weightOffsets[layer] = (int)Math.Min(offset, int.MaxValue);
            offset += ((long)_sizes[layer] * _sizes[layer - 1]) + _sizes[layer];
            if (offset > Array.MaxLength)
            {
                throw new ArgumentOutOfRangeException(nameof(layerSizes), "the network has too many parameters for one vector.");
            }
        }

        ParameterCount = (int)offset;
        BlockRows = blockRows;
        LayerSizes = new ReadOnlyCollection<int>(_sizes);
        _activations = new float[_sizes.Length][];
        _deltas = new float[_sizes.Length][];
        _transposedDeltas = new float[_sizes.Length][];
        for (int layer = 1; layer < _sizes.Length; layer++)
        {
            _activations[layer] = new float[blockRows * _sizes[layer]];
            _deltas[layer] = layer < _sizes.Length - 1 ? new float[blockRows * _sizes[layer]] : [];
            _transposedDeltas[layer] = new float[blockRows * _sizes[layer]];
        }

        _activations[0] = [];
        _deltas[0] = [];
        _transposedDeltas[0] = [];
    }

    /// <summary>Features, hidden widths, classes.</summary>
    public IReadOnlyList<int> LayerSizes { get; }

    /// <summary>Rows per block.</summary>
    public int BlockRows { get; }

    /// <inheritdoc/>
    public string Name => "mlp";

    /// <inheritdoc/>
    public ModelInput Input => ModelInput.Dense;

    /// <inheritdoc/>
    public ModelTask Task => ModelTask.MulticlassClassification;

    /// <inheritdoc/>
    public int ParameterCount { get; }

    /// <inheritdoc/>
    public int OutputsPerRow => _sizes[^1];

    /// <summary>Where layer <paramref name="layer"/>'s weights (1-based, 1..L) start in the flat vector.</summary>
    public int WeightOffset(int layer)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(layer, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(layer, _sizes.Length);
        return _weightOffsets[layer];
    }

    /// <summary>Where layer <paramref name="layer"/>'s biases (1-based, 1..L) start in the flat vector.</summary>
    public int BiasOffset(int layer) => WeightOffset(layer) + (_sizes[layer] * _sizes[layer - 1]);

    /// <inheritdoc/>
    /// <remarks>He-normal weights, N(0, 2 / fan-in), which keeps ReLU activations at a stable scale; zero biases.</remarks>
    public void InitializeParameters(Span<float> parameters, int seed)
    {
        DenseModelChecks.RequireParameterLength(this, parameters.Length, nameof(parameters));
        InitializeSlice(parameters, 0, seed);
    }

    /// <inheritdoc/>
    /// <remarks>The weights come from one seeded stream in index order, so draws before the slice are made and discarded.</remarks>
    public void InitializeSlice(Span<float> slice, int offset, int seed)
    {
        SliceChecks.RequireRange(this, offset, slice.Length);
        var random = new Random(seed);
        slice.Clear();
        long end = (long)offset + slice.Length;
        for (int layer = 1; layer < _sizes.Length && _weightOffsets[layer] < end; layer++)
        {
            double deviation = Math.Sqrt(2.0 / _sizes[layer - 1]);
            long first = _weightOffsets[layer];
            int count = _sizes[layer] * _sizes[layer - 1];
            for (int i = 0; i < count; i++)
            {
                // Box-Muller; 1 - NextDouble() lies in (0, 1], so the logarithm is finite.
                double radius = Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble()));
                float value = (float)(deviation * radius * Math.Cos(2.0 * Math.PI * random.NextDouble()));
                long index = first + i;
                if (index >= offset && index < end)
                {
                    slice[(int)(index - offset)] = value;
                }
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The output deltas are scaled by 1/batch size before the backward pass, so every product yields the
    /// mean directly, and the first block overwrites the gradient rather than adding to a cleared one: no
    /// separate pass over the parameter-sized gradient is needed.
    /// </remarks>
    public float ComputeGradient(ReadOnlySpan<float> parameters, DataBatch batch, Span<float> gradient)
    {
        DenseDataset dataset = Prepare(parameters, batch);
        DenseModelChecks.RequireGradientLength(this, gradient.Length, nameof(gradient));
        int last = _sizes.Length - 1;
        ReadOnlySpan<float> labels = batch.Labels;
        double loss = 0;
        for (int start = 0; start < batch.Count; start += BlockRows)
        {
            int count = Math.Min(BlockRows, batch.Count - start);
            bool accumulate = start > 0;
            ReadOnlySpan<float> rows = dataset.Rows(batch.Start + start, count);
            Forward(parameters, rows, count);
            Span<float> delta = _activations[last].AsSpan(0, count * _sizes[last]);
            loss += SoftmaxCrossEntropyKernel.LossAndGradientInPlace(delta, labels.Slice(start, count), count, _sizes[last]);
            TensorPrimitives.Multiply(delta, 1f / batch.Count, delta);
            for (int layer = last; layer >= 1; layer--)
            {
                int outputs = _sizes[layer], inputs = _sizes[layer - 1];
                ReadOnlySpan<float> input = layer == 1 ? rows : _activations[layer - 1].AsSpan(0, count * inputs);
                if (layer < last)
                {
                    ReluKernel.Backward(_activations[layer].AsSpan(0, count * outputs), delta);
                }

                WeightGradientKernel.BiasGradient(delta, gradient.Slice(BiasOffset(layer), outputs), count, outputs, accumulate);
                Span<float> transposed = _transposedDeltas[layer].AsSpan(0, count * outputs);
                DeltaTransposeKernel.Transpose(delta, transposed, count, outputs);
                WeightGradientKernel.Compute(transposed, input, gradient.Slice(_weightOffsets[layer], outputs * inputs), count, outputs, inputs, accumulate);
                if (layer > 1)
                {
                    // The gradient with respect to the layer below's ReLU outputs; the next iteration masks it.
                    Span<float> previous = _deltas[layer - 1].AsSpan(0, count * inputs);
                    ProductKernel.Compute(delta, parameters.Slice(_weightOffsets[layer], outputs * inputs), previous, count, outputs, inputs);
                    delta = previous;
                }
            }
        }

        return (float)(loss / batch.Count);
    }

    /// <inheritdoc/>
    public float ComputeLoss(ReadOnlySpan<float> parameters, DataBatch batch)
    {
        DenseDataset dataset = Prepare(parameters, batch);
        int last = _sizes.Length - 1;
        ReadOnlySpan<float> labels = batch.Labels;
        double loss = 0;
        for (int start = 0; start < batch.Count; start += BlockRows)
        {
            int count = Math.Min(BlockRows, batch.Count - start);
            Forward(parameters, dataset.Rows(batch.Start + start, count), count);
            loss += SoftmaxCrossEntropyKernel.Loss(_activations[last], labels.Slice(start, count), count, _sizes[last]);
        }

        return (float)(loss / batch.Count);
    }

    /// <inheritdoc/>
    public void Predict(ReadOnlySpan<float> parameters, DataBatch batch, Span<float> outputs)
    {
        DenseDataset dataset = DenseModelChecks.RequireBatch(this, _sizes[0], parameters, batch);
        DenseModelChecks.RequireOutputLength(this, batch, outputs.Length, nameof(outputs));
        int last = _sizes.Length - 1;
        int classes = _sizes[last];
        for (int start = 0; start < batch.Count; start += BlockRows)
        {
            int count = Math.Min(BlockRows, batch.Count - start);
            Forward(parameters, dataset.Rows(batch.Start + start, count), count);
            Span<float> probabilities = _activations[last].AsSpan(0, count * classes);
            SoftmaxCrossEntropyKernel.ProbabilitiesInPlace(probabilities, count, classes);
            probabilities.CopyTo(outputs.Slice(start * classes, count * classes));
        }
    }

    /// <summary>Fills the activations of every layer for one block; the last layer holds the logits.</summary>
    private void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> rows, int count)
    {
        ReadOnlySpan<float> input = rows;
        for (int layer = 1; layer < _sizes.Length; layer++)
        {
            int outputs = _sizes[layer], inputs = _sizes[layer - 1];
            Span<float> output = _activations[layer].AsSpan(0, count * outputs);
            ProductWithTransposed.Compute(
                input,
                parameters.Slice(_weightOffsets[layer], outputs * inputs),
                parameters.Slice(BiasOffset(layer), outputs),
                output,
                count,
                outputs,
                inputs,
                relu: layer < _sizes.Length - 1);
            input = output;
        }
    }

    private DenseDataset Prepare(ReadOnlySpan<float> parameters, DataBatch batch)
    {
        DenseDataset dataset = DenseModelChecks.RequireBatch(this, _sizes[0], parameters, batch);
        DenseModelChecks.RequireNonEmpty(this, batch);
        DenseModelChecks.RequireClassIds(this, batch, _sizes[^1]);
        return dataset;
    }
}
