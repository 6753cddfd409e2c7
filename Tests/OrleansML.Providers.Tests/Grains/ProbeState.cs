namespace OrleansML.Providers.Tests.Grains;

/// <summary>Grain state written through the storage providers with Orleans' binary serializer.</summary>
[GenerateSerializer]
[Alias("OrleansML.Providers.Tests.ProbeState")]
public sealed class ProbeState
{
    [Id(0)]
    public int Value { get; set; }

    [Id(1)]
    public string Writer { get; set; } = "";

    /// <summary>A few kilobytes of floats, as model state is: the binary serializer must round-trip it exactly.</summary>
    [Id(2)]
    public float[] Weights { get; set; } = [];

    public override string ToString() => $"{Value} by {Writer} ({Weights.Length} weights)";
}
