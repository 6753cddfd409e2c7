using OrleansML.Learning.Models.Store;

namespace OrleansML.Learning.Tests.Models.Store;

/// <summary>The model store on a temporary local directory, and <see cref="OrleansMLModel"/> loading from it.</summary>
public sealed class ModelStoreTests : IDisposable
{
    private static readonly ModelSpec s_softmax = new() { Kind = ModelKind.SoftmaxRegression, FeatureCount = 3, ClassCount = 2 };
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "orleansml-models-" + Guid.NewGuid().ToString("N"));
    private readonly ManualClock _time = new();
    private readonly ModelStore _store;

    public ModelStoreTests() => _store = new ModelStore(new LocalDirectoryBlobStore(_directory), _time);

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Saves_numbered_versions_as_checksummed_blobs_and_lists_them()
    {
        float[] first = Parameters(1);
        float[] second = Parameters(2);
        StoredModelEntry v1 = await _store.SaveAsync("iris", s_softmax, first, new Dictionary<string, double> { ["test_accuracy"] = 0.9 }, "job-1");
        _time.Advance(TimeSpan.FromMinutes(5));
        StoredModelEntry v2 = await _store.SaveAsync("iris", s_softmax, second, null, "job-2");
        await _store.SaveAsync("adult", new ModelSpec { Kind = ModelKind.LogisticRegression, FeatureCount = 2 }, new float[3]);

        Assert.Equal((1, 2), (v1.Version, v2.Version));
        Assert.Equal("models/iris/2.omlm", v2.Blob);
        Assert.True(File.Exists(Path.Combine(_directory, "models", "iris", "1.omlm")));
        Assert.True(File.Exists(Path.Combine(_directory, "models", "iris", "1.json")));
        Assert.Equal(64, v1.Sha256.Length);
        Assert.Equal(["adult:1", "iris:1", "iris:2"], (await _store.ListAsync()).Select(e => e.ToString()));
        StoredModelEntry listed = (await _store.ListVersionsAsync("iris"))[0];
        Assert.Equal((s_softmax, 0.9, "job-1", v1.Sha256), (listed.Model, listed.Metrics["test_accuracy"], listed.JobId, listed.Sha256));
        Assert.Equal(_time.GetUtcNow() - TimeSpan.FromMinutes(5), listed.CreatedUtc);

        SavedModel newest = await _store.LoadAsync("iris");
        Assert.Equal(2, newest.Header.Version);
        Assert.Equal(second, newest.Parameters);
        Assert.Equal(first, (await _store.LoadAsync("iris", 1)).Parameters);
    }

    [Fact]
    public async Task Saving_again_for_the_same_job_returns_its_version_and_writes_nothing()
    {
        StoredModelEntry first = await _store.SaveAsync("m", s_softmax, Parameters(1), jobId: "job-a");
        StoredModelEntry again = await _store.SaveAsync("m", s_softmax, Parameters(2), jobId: "job-a");

        Assert.Equal((first.Version, first.Sha256, first.CreatedUtc), (again.Version, again.Sha256, again.CreatedUtc));
        Assert.Single(await _store.ListVersionsAsync("m"));
        Assert.Equal(Parameters(1), (await _store.LoadAsync("m")).Parameters);
    }

    [Fact]
    public async Task A_corrupt_blob_is_reported_naming_the_model_and_the_blob()
    {
        StoredModelEntry entry = await _store.SaveAsync("fragile", s_softmax, Parameters(1));
        string file = Path.Combine(_directory, "models", "fragile", "1.omlm");
        byte[] bytes = await File.ReadAllBytesAsync(file);
        bytes[^1] ^= 0x40;
        await File.WriteAllBytesAsync(file, bytes);

        ModelStoreException error = await Assert.ThrowsAsync<ModelStoreException>(() => _store.LoadAsync("fragile"));

        Assert.False(error.NotFound);
        Assert.Equal(("fragile:1", "models/fragile/1.omlm"), (error.Model, error.Blob));
        Assert.Contains("model 'fragile:1' is corrupt: blob 'models/fragile/1.omlm'", error.Message, StringComparison.Ordinal);
        Assert.Contains(entry.Sha256, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_or_a_damaged_entry_names_its_blob()
    {
        await _store.SaveAsync("gone", s_softmax, Parameters(1));
        await _store.SaveAsync("garbled", s_softmax, Parameters(1));
        File.Delete(Path.Combine(_directory, "models", "gone", "1.omlm"));
        await File.WriteAllTextAsync(Path.Combine(_directory, "models", "garbled", "1.json"), "{ not json");

        ModelStoreException missing = await Assert.ThrowsAsync<ModelStoreException>(() => _store.LoadAsync("gone"));
        ModelStoreException garbled = await Assert.ThrowsAsync<ModelStoreException>(() => _store.LoadAsync("garbled"));

        Assert.Contains("model 'gone:1' is listed, but its model file, blob 'models/gone/1.omlm'", missing.Message, StringComparison.Ordinal);
        Assert.Contains("is missing", missing.Message, StringComparison.Ordinal);
        Assert.Contains("model 'garbled:1' has an unreadable entry, blob 'models/garbled/1.json'", garbled.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_name_or_version_lists_what_the_store_holds()
    {
        ModelStoreException empty = await Assert.ThrowsAsync<ModelStoreException>(() => _store.FindAsync("iris"));
        await _store.SaveAsync("iris", s_softmax, Parameters(1));
        await _store.SaveAsync("iris", s_softmax, Parameters(2));
        await _store.SaveAsync("wine", s_softmax, Parameters(1));

        ModelStoreException name = await Assert.ThrowsAsync<ModelStoreException>(() => _store.FindAsync("irsi"));
        ModelStoreException version = await Assert.ThrowsAsync<ModelStoreException>(() => _store.FindAsync("iris", 7));

        Assert.True(empty.NotFound && name.NotFound && version.NotFound);
        Assert.Contains("it holds no models", empty.Message, StringComparison.Ordinal);
        Assert.Contains("there is no model named 'irsi'", name.Message, StringComparison.Ordinal);
        Assert.Contains("it holds iris, wine.", name.Message, StringComparison.Ordinal);
        Assert.Contains("model 'iris' has no version 7", version.Message, StringComparison.Ordinal);
        Assert.Contains("its versions are 1, 2.", version.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("a:b")]
    public async Task A_bad_name_is_refused_before_anything_is_written(string bad)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _store.SaveAsync(bad, s_softmax, Parameters(1)));
        Assert.False(Directory.Exists(_directory));
    }

    [Fact]
    public async Task OrleansMLModel_loads_by_reference_or_file_and_predicts_locally()
    {
        float[] parameters = Parameters(3);
        await _store.SaveAsync("local", s_softmax, parameters);
        await _store.SaveAsync("local", s_softmax, Parameters(4));
        string file = Path.Combine(_directory, "exported.omlmodel");
        ModelFile.Write(file, new ModelFileHeader { Name = "local", Model = s_softmax }, parameters);
        float[] rows = [0.5f, -1f, 2f, 1f, 0f, -0.25f];

        OrleansMLModel stored = OrleansMLModel.Load("local:1", _store.Blobs);
        OrleansMLModel fromFile = OrleansMLModel.Load(file);
        var expected = new float[4];
        s_softmax.Create().Predict(parameters, DataBatch.All(new DenseDataset(rows, new float[2], 3)), expected);

        Assert.Equal(1, stored.Header.Version);
        Assert.Equal(expected, stored.PredictBatch(rows, 2));
        Assert.Equal(expected, fromFile.PredictBatch(rows, 2));
        float[] probabilities = stored.PredictProbabilities(rows.AsSpan(3));
        Assert.Equal(expected[2], probabilities[0], 1e-6);
        Assert.Equal(expected[3], probabilities[1], 1e-6);
        Assert.Equal(expected[2] > expected[3] ? 0 : 1, stored.PredictClass(rows.AsSpan(3)));
        Assert.Equal(2, OrleansMLModel.Load("local", _store.Blobs).Header.Version);
        ArgumentException width = Assert.Throws<ArgumentException>(() => stored.Predict([1f, 2f]));
        Assert.Contains("1 rows of 3 features need 3 values, but 2 were given", width.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => OrleansMLModel.Load("local:0", _store.Blobs));
    }

    [Fact]
    public void OrleansMLModel_predicts_sparse_rows_for_a_factorization_machine()
    {
        var spec = new ModelSpec { Kind = ModelKind.FactorizationMachine, FeatureCount = 5, FactorCount = 2 };
        IModel model = spec.Create();
        var parameters = new float[model.ParameterCount];
        model.InitializeParameters(parameters, 7);
        OrleansMLModel loaded = OrleansMLModel.From(new SavedModel(new ModelFileHeader { Name = "fm", Model = spec }, parameters));
        var sparse = new SparseDataset<int>([0, 2], [1, 4], [1f, 0.5f], [0f], 5);
        var expected = new float[1];
        model.Predict(parameters, DataBatch.All(sparse), expected);

        Assert.Equal(expected, loaded.Predict([1, 4], [1f, 0.5f]));
        Assert.Throws<ArgumentException>(() => loaded.Predict([1f, 2f, 3f, 4f, 5f]));
    }

    private static float[] Parameters(int seed)
    {
        IModel model = s_softmax.Create();
        var parameters = new float[model.ParameterCount];
        model.InitializeParameters(parameters, seed);
        parameters[0] += seed;
        return parameters;
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
