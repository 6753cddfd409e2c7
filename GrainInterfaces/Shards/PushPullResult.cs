namespace OrleansML.Shards;

/// <summary>What <see cref="IParameterShardGrain.PushThenPullAsync"/> returns: the push's outcome and the pulled
/// parameters. Immutable once returned: a worker in the shard's silo shares it.</summary>
[GenerateSerializer]
[Immutable]
[Alias("OrleansML.PushPullResult")]
public sealed class PushPullResult
{
    [Id(0)]
    public PushOutcome Outcome { get; init; }

    [Id(1)]
    public ParameterSlice Slice { get; init; } = new();
}
