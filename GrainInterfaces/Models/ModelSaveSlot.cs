namespace OrleansML.Models;

/// <summary>The version number the model registry gave a job's save (<see cref="IModelRegistryGrain.ReserveVersionAsync"/>).</summary>
[GenerateSerializer]
[Immutable]
[Alias("OrleansML.ModelSaveSlot")]
public sealed record ModelSaveSlot
{
    /// <summary>The version the job writes (or wrote) to the model store.</summary>
    [Id(0)]
    public int Version { get; init; }

    /// <summary>Whether that version is already listed: the job saved it before, and has nothing more to do.</summary>
    [Id(1)]
    public bool Saved { get; init; }
}
