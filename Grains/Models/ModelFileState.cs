namespace OrleansML.Grains.Models;

/// <summary>The persisted state of a <see cref="ModelVersionGrain"/>: the model file's bytes, written as one raw
/// block.</summary>
[GenerateSerializer]
[Alias("OrleansML.ModelFileState")]
internal sealed class ModelFileState
{
    /// <summary>The portable model file; empty when nothing is stored.</summary>
    [Id(0)]
    public byte[] Bytes { get; set; } = [];
}
