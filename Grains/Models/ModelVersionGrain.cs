using OrleansML.Grains.Transfer;
using OrleansML.Transfer;
using OrleansML.Learning.Models.Files;
using OrleansML.Learning.Models.Store;
using OrleansML.Models;

namespace OrleansML.Grains.Models;

/// <summary>One saved model version, read from the model store on first use and cached while the grain is active
/// (the file for downloads; the decoded model, built on the first prediction, since a downloaded model's size need
/// not be held twice). It keeps no state of its
/// own: the store holds the file. Not reentrant: the model's scratch buffers serve one prediction at a time.</summary>
internal sealed class ModelVersionGrain(IBlobStore blobs, IOptions<TransferOptions> transfer) : Grain, IModelVersionGrain
{
    private readonly ModelStore _store = new(blobs);
    private byte[]? _file;
    private StoredModelEntry? _entry;
    private OrleansMLModel? _model;

    public async Task<byte[]> ReadAsync()
    {
        await LoadAsync();
        if (_file!.Length > transfer.Value.MaxMessageBytes)
        {
            throw new InvalidOperationException(
                $"model '{_entry}' is {_file.Length} bytes, more than one message may carry (OrleansML:Transfer:MaxMessageBytes = {transfer.Value.MaxMessageBytes} bytes): download it in parts (OpenDownloadAsync, DownloadPartAsync).");
        }

        return _file;
    }

    public async Task<ModelDownload> OpenDownloadAsync()
    {
        await LoadAsync();
        return new ModelDownload { Version = _entry!.Version, Bytes = _file!.Length, Sha256 = _entry.Sha256, PartBytes = transfer.Value.MaxMessageBytes };
    }

    public async Task<byte[]> ReadPartAsync(long offset, int count)
    {
        await LoadAsync();
        TransferRanges.CheckRange($"model '{_entry}'", offset, count, _file!.Length, transfer.Value.MaxMessageBytes);
        return _file.AsSpan((int)offset, count).ToArray();
    }

    public async Task<FloatTensor> PredictAsync(FloatTensor featureTensor, int rowCount)
    {
        ArgumentNullException.ThrowIfNull(featureTensor);
        await LoadAsync();
        _model ??= Decode(_file!, _entry!);
        if (_model.Input != ModelInput.Dense)
        {
            throw new ArgumentException($"model '{this.GetPrimaryKeyString()}' reads sparse input; remote prediction takes dense rows only.", nameof(featureTensor));
        }

        return new FloatTensor(_model.PredictBatch(featureTensor.Values, rowCount));
    }

    private static OrleansMLModel Decode(byte[] file, StoredModelEntry entry)
    {
        try
        {
            return OrleansMLModel.From(ModelFile.Deserialize(file, entry.Blob));
        }
        catch (OrleansML.Learning.Data.DataFormatException exception)
        {
            throw new InvalidDataException($"model '{entry}': blob '{entry.Blob}' is not a valid model file: {exception.Message}", exception);
        }
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
            // The SHA-256 check here covers downloads; a file that passes it and still does not decode fails on prediction.
            byte[] file = await _store.ReadFileAsync(entry);
            _entry = entry;
            _file = file;
        }
        catch (ModelStoreException exception)
        {
            throw ModelStoreErrors.ToPortable(exception);
        }
    }
}
