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

/// <summary>
/// Where a linear model's backward pass adds scale · x for a whole row x, so that one generic row loop
/// (specialised by the JIT for each sink) serves both the dense and the sparse gradient.
/// </summary>
internal interface IRowGradientSink
{
    /// <summary>For every j, adds scale · values[j] to the gradient of feature indices[j].</summary>
    void AddScaledRow(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, float scale);
}

/// <summary>Adds rows into a full-length dense gradient buffer.</summary>
internal readonly ref struct DenseRowGradientSink(Span<float> gradient) : IRowGradientSink
{
    private readonly Span<float> _gradient = gradient;

    public void AddScaledRow(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, float scale) =>
        SparseRowKernels.ScatterAdd(indices, values, scale, _gradient);
}

/// <summary>
/// Adds rows into a <see cref="FeatureValueAccumulator"/>, which the model then flushes into its
/// <see cref="SparseGradient"/> in key order.
/// </summary>
internal readonly struct SparseRowGradientSink(FeatureValueAccumulator accumulator) : IRowGradientSink
{
    private readonly FeatureValueAccumulator _accumulator = accumulator;

    public void AddScaledRow(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, float scale) =>
        _accumulator.AddScaledRow(indices, values, scale);
}
