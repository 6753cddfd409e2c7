using System.Numerics.Tensors;

namespace OrleansML.Learning.Models.Sparse;

/// <summary>
/// Where a model's backward pass adds gradient entries, so that one generic routine (specialised by the JIT
/// for each sink) serves both the dense and the sparse gradient without a virtual call per entry.
/// </summary>
internal interface IGradientSink
{
    /// <summary>Adds <paramref name="value"/> at parameter <paramref name="key"/>.</summary>
    void Add(int key, float value);

    /// <summary>Adds values[i] at parameter firstKey + i.</summary>
    void AddRange(int firstKey, ReadOnlySpan<float> values);
}

/// <summary>Adds into a full-length dense gradient buffer.</summary>
internal readonly ref struct DenseGradientSink(Span<float> gradient) : IGradientSink
{
    private readonly Span<float> _gradient = gradient;

    public void Add(int key, float value) => _gradient[key] += value;

    public void AddRange(int firstKey, ReadOnlySpan<float> values)
    {
        Span<float> target = _gradient.Slice(firstKey, values.Length);
        TensorPrimitives.Add(target, values, target);
    }
}

/// <summary>Adds into a <see cref="SparseGradient"/>, creating keys on first touch.</summary>
internal readonly struct SparseGradientSink(SparseGradient gradient) : IGradientSink
{
    private readonly SparseGradient _gradient = gradient;

    public void Add(int key, float value) => _gradient.Add(key, value);

    public void AddRange(int firstKey, ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            _gradient.Add(firstKey + i, values[i]);
        }
    }
}
