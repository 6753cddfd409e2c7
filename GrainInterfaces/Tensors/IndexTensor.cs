namespace OrleansML.Tensors;

/// <summary>
/// An int32 vector (the keys of a sparse push or pull) that crosses silos as one raw block
/// (<see cref="IndexTensorCodec"/>) instead of one varint per element. Immutable once sent, like
/// <see cref="FloatTensor"/>: a call inside one silo shares the instance.
/// </summary>
[Immutable]
public sealed class IndexTensor
{
    /// <summary>Wraps <paramref name="values"/> without copying them.</summary>
    public IndexTensor(int[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        Values = values;
    }

    /// <summary>The indices.</summary>
    public int[] Values { get; }

    /// <summary>Number of indices.</summary>
    public int Length => Values.Length;

    /// <summary>Payload bytes on the wire.</summary>
    public long WireBytes => (long)Values.Length * sizeof(int);

    /// <summary>Wraps <paramref name="values"/>, or returns null for null.</summary>
    public static IndexTensor? Wrap(int[]? values) => values is null ? null : new IndexTensor(values);
}
