using Orleans.Concurrency;
using OrleansML.Learning.Models.Store;
using OrleansML.Models;

namespace OrleansML.Grains.Models;

/// <summary>Lists the model store. A stateless worker: the store is the truth, so any silo can answer, and a
/// listing never waits behind another.</summary>
[StatelessWorker]
internal sealed class ModelCatalogGrain(IBlobStore blobs) : Grain, IModelCatalogGrain
{
    private readonly ModelStore _store = new(blobs);

    public async Task<ModelInfo[]> ListAsync()
    {
        try
        {
            return [.. (await _store.ListAsync()).Select(ModelInfo.From)];
        }
        catch (ModelStoreException exception)
        {
            throw ModelStoreErrors.ToPortable(exception);
        }
    }
}
