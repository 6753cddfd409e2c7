namespace OrleansML.Models;

/// <summary>Every model version in the cluster's model store, read by whichever silo takes the call (key: 0).</summary>
[Alias("OrleansML.IModelCatalogGrain")]
public interface IModelCatalogGrain : IGrainWithIntegerKey
{
    /// <summary>The stored versions, by name then version.</summary>
    /// <exception cref="InvalidDataException">An entry in the store is unreadable (the message names its blob).</exception>
    Task<ModelInfo[]> ListAsync();
}
