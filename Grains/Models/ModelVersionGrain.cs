using OrleansML.Tensors;
using OrleansML.Learning.Models;
using OrleansML.Learning.Models.Files;
using OrleansML.Learning.Models.Store;
using OrleansML.Learning.Storage;
using OrleansML.Models;

namespace OrleansML.Grains.Models;

/// <summary>One saved model version, read from the model store on first use and cached for predictions while the
/// grain is active. It keeps no state of its own: the store holds the file. Not reentrant: the model's scratch
/// buffers serve one prediction at a time.</summary>
internal sealed class ModelVersionGrain(IBlobStore blobs) : Grain, IModelVersionGrain
{
    private readonly ModelStore _store = new(blobs);
    private byte[]? _file;
    private OrleansMLModel? _model;

    public async Task<byte[]> ReadAsync()
    {
        await LoadAsync();
        return _file!;
    }

    public async Task<FloatTensor> PredictAsync(FloatTensor featureTensor, int rowCount)
    {
        ArgumentNullException.ThrowIfNull(featureTensor);
        await LoadAsync();
        if (_model!.Input != ModelInput.Dense)
        {
            throw new ArgumentException($"model '{this.GetPrimaryKeyString()}' reads sparse input; remote prediction takes dense rows only.", nameof(featureTensor));
        }

        return new FloatTensor(_model.PredictBatch(featureTensor.Values, rowCount));
    }

    private async Task LoadAsync()
    {
        if (_file is not null)
        {
            return;
        }

        string key = this.GetPrimaryKeyString();
        int slash = key.LastIndexOf('/');
        string name = key[..slash];
        int version = int.Parse(key.AsSpan(slash + 1), provider: System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            StoredModelEntry entry = await _store.FindAsync(name, version);
            byte[] file = await _store.ReadFileAsync(entry);
            _model = OrleansMLModel.From(ModelFile.Deserialize(file, entry.Blob));
            _file = file;
        }
        catch (ModelStoreException exception)
        {
            throw ModelStoreErrors.ToPortable(exception);
        }
    }
}
