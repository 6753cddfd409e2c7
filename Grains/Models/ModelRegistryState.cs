namespace OrleansML.Grains.Models;

/// <summary>The persisted state of a <see cref="ModelRegistryGrain"/>: the versions' descriptions (their bytes
/// live in <see cref="IModelVersionGrain"/>s).</summary>
[GenerateSerializer]
[Alias("OrleansML.ModelRegistryState")]
internal sealed class ModelRegistryState
{
    /// <summary>The listed versions, oldest first; version numbers are 1, 2, ... in order.</summary>
    [Id(0)]
    public List<OrleansML.Models.ModelInfo> Versions { get; set; } = [];

    /// <summary>Version numbers given to jobs whose saves are not listed yet, by job id: a number is given once,
    /// and a job asking again gets the same one.</summary>
    [Id(1)]
    public Dictionary<string, int> Reserved { get; set; } = [];
}
