namespace OrleansML.Shards;

/// <summary>Parameters from a shard: its whole range starting at <see cref="Start"/>, or the values of the
/// requested keys in request order. Immutable once returned: a worker in the shard's silo shares the shard's
/// copy, which is fresh per pull and already rounded to the compression.</summary>
[GenerateSerializer]
[Immutable]
[Alias("OrleansML.ParameterSlice")]
public sealed class ParameterSlice
{
    /// <summary>Updates the shard had applied when it answered.</summary>
    [Id(0)]
    public long Version { get; init; }

    /// <summary>First global index of a range pull (0 for a key pull).</summary>
    [Id(1)]
    public int Start { get; init; }

    /// <summary>The values (float32 after decoding) and how they travelled (set by the shard from the request).</summary>
    [Id(2)]
    public FloatTensor Values { get; init; } = FloatTensor.Empty;
}
