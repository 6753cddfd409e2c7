using OrleansML.Tensors;
using OrleansML.Learning.Data;
using OrleansML.Learning.Models;
using OrleansML.Learning.Models.Files;
using OrleansML.Models;

namespace OrleansML.Grains.Models;

/// <summary>One saved model version's file, and its deserialised model cached for predictions while the grain
/// is active. Not reentrant: a model instance's scratch buffers serve one prediction at a time.</summary>
internal sealed class ModelVersionGrain(
    [PersistentState("modelFile", "Default")] IPersistentState<ModelFileState> state) : Grain, IModelVersionGrain
{
    private SavedModel? _saved;
    private IModel? _model;

    public async Task StoreAsync(byte[] modelFile)
    {
        ArgumentNullException.ThrowIfNull(modelFile);

        // Refuse a file that does not decode now rather than on the first download.
        SavedModel saved = ModelFile.Deserialize(modelFile, this.GetPrimaryKeyString());
        state.State = new ModelFileState { Bytes = modelFile };
        await state.WriteStateAsync();
        _saved = saved;
        _model = null;
    }

    public Task<byte[]> ReadAsync() => Task.FromResult(RequireBytes());

    public Task<FloatTensor> PredictAsync(FloatTensor featureTensor, int rowCount)
    {
        ArgumentNullException.ThrowIfNull(featureTensor);
        float[] features = featureTensor.Values;
        _saved ??= ModelFile.Deserialize(RequireBytes(), this.GetPrimaryKeyString());
        _model ??= _saved.CreateModel();
        int width = _saved.Header.Model.FeatureCount;
        if (_model.Input != ModelInput.Dense)
        {
            throw new ArgumentException($"model '{this.GetPrimaryKeyString()}' reads sparse input; remote prediction takes dense rows only.", nameof(featureTensor));
        }

        if (rowCount < 1 || (long)rowCount * width != features.Length)
        {
            throw new ArgumentException($"{rowCount} rows of {width} features need {(long)rowCount * width} values, but {features.Length} were given.", nameof(featureTensor));
        }

        // Labels are unused by Predict; the dataset needs one per row.
        var dataset = new DenseDataset(features, new float[rowCount], width);
        var outputs = new float[rowCount * _model.OutputsPerRow];
        _model.Predict(_saved.Parameters, DataBatch.All(dataset), outputs);
        return Task.FromResult(new FloatTensor(outputs));
    }

    private byte[] RequireBytes() =>
        state.State.Bytes.Length > 0
            ? state.State.Bytes
            : throw new KeyNotFoundException($"no model file is stored under '{this.GetPrimaryKeyString()}'.");
}
