using OrleansML.Learning.Kernels;

namespace OrleansML.Learning.Models.Sparse;

/// <summary>
/// Where a model's backward pass adds a feature's gradient, so that one generic routine (specialised by the
/// JIT for each sink) serves both the dense and the sparse gradient without a virtual call per nonzero.
/// </summary>
internal interface IGradientSink
{
    /// <summary>
    /// The span to add the gradient of <paramref name="feature"/>'s parameters into: the
    /// <paramref name="length"/> parameters starting at firstKey + feature · stride.
    /// </summary>
    Span<float> FeatureBlock(int feature, int firstKey, int stride, int length);
}

/// <summary>Adds into a full-length dense gradient buffer.</summary>
internal readonly ref struct DenseGradientSink(Span<float> gradient) : IGradientSink
{
    private readonly Span<float> _gradient = gradient;

    public Span<float> FeatureBlock(int feature, int firstKey, int stride, int length) =>
        _gradient.Slice(checked(firstKey + (feature * stride)), length);
}

/// <summary>
/// Adds into a <see cref="FeatureBlockAccumulator"/>, which the model then flushes into its
/// <see cref="SparseGradient"/> in key order.
/// </summary>
internal readonly struct SparseGradientSink(FeatureBlockAccumulator accumulator) : IGradientSink
{
    private readonly FeatureBlockAccumulator _accumulator = accumulator;

    public Span<float> FeatureBlock(int feature, int firstKey, int stride, int length)
    {
        System.Diagnostics.Debug.Assert(length == _accumulator.BlockLength, "the accumulator was sized for this block");
        return _accumulator.Block(feature);
    }
}
