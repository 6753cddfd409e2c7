using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OrleansML.Cli;
using OrleansML.Learning.Data.Synthetic;
using OrleansML.Learning.Models.Files;
using OrleansML.Learning.Models.Onnx;
using OrleansML.Learning.Models.Store;
using OrleansML.Learning.Storage;

namespace OrleansML.Training.Tests.Client;

/// <summary>
/// The model store from the CLI, run in-process: a model trained on the embedded cluster outlives it, and
/// <c>predict</c>, <c>export</c> and <c>models</c> read the local store (or a model file) with no cluster at all.
/// </summary>
public sealed class CliModelStoreTests(ITestOutputHelper log) : IDisposable
{
    private static readonly ModelSpec s_softmax = new() { Kind = ModelKind.SoftmaxRegression, FeatureCount = 3, ClassCount = 3 };
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string Data => Path.Combine(_directory.Path, "data");

    private string Blobs => Path.Combine(Data, OrleansMLModel.LocalBlobFolder);

    [Fact]
    public async Task A_model_trained_on_the_embedded_cluster_is_listed_predicted_and_exported_with_no_cluster()
    {
        (string train, string test) = TestDatasets.Write(_directory.Path);
        (int trainCode, string trained, string trainError) = await RunAsync(
            ["train", "--model", "logistic", "--features", "4", "--train", train, "--test", test, "--workers", "2", "--shards", "1",
             "--epochs", "2", "--batch-size", "32", "--model-name", "outlives"]);
        Assert.True(trainCode == 0, $"{trained}{trainError}");

        DenseDataset rows = SyntheticData.Logistic(new DenseProblemOptions { RowCount = 6, FeatureCount = TestDatasets.Features, Seed = 5 }).Dataset;
        string csv = Path.Combine(_directory.Path, "rows.csv");
        await File.WriteAllLinesAsync(csv, Enumerable.Range(0, rows.RowCount).Select(r => string.Join(',', rows.Row(r).ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));

        // Each command below is a new CliApplication: nothing of the training run is left but the data directory.
        (int predictCode, string predictions, string predictError) = await RunAsync(["predict", "--model", "outlives", "--input", csv]);
        (int listCode, string listed, string listError) = await RunAsync(["models"]);
        string exported = Path.Combine(_directory.Path, "out", "outlives.omlmodel");
        (int exportCode, string export, string exportError) = await RunAsync(["export", "--model", "outlives:1", "--output", exported]);
        (int fileCode, string fromFile, string fileError) = await RunAsync(["predict", "--model", exported, "--input", csv]);
        string onnx = Path.Combine(_directory.Path, "out", "outlives.onnx");
        (int onnxCode, string onnxOutput, string onnxError) = await RunAsync(["export", "--model", "outlives", "--output", onnx, "--format", "onnx"]);

        Assert.True(predictCode == 0, predictError);
        Assert.Contains($"no cluster configured: using the models in {Blobs}", predictError, StringComparison.Ordinal);
        Assert.DoesNotContain("embedded cluster", predictError, StringComparison.Ordinal);
        OrleansMLModel model = OrleansMLModel.Load("outlives", new LocalDirectoryBlobStore(Blobs));
        float[] expected = model.PredictBatch(rows.Features, rows.RowCount);
        AssertPrinted(expected, predictions);
        Assert.True(listCode == 0, listError);
        Assert.Matches(@"\|\s*outlives\s*\|\s*1\s*\|\s*LogisticRegression\s*\|\s*4\s*\|\s*2\s*\|[^|]*test_accuracy=", listed);
        Assert.True(exportCode == 0, exportError);
        Assert.Contains("exported outlives:1 (LogisticRegression, 5 parameters)", export, StringComparison.Ordinal);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(Blobs, "models", "outlives", "1.omlm")), await File.ReadAllBytesAsync(exported));
        Assert.True(fileCode == 0, fileError);
        Assert.DoesNotContain("no cluster configured", fileError, StringComparison.Ordinal);
        AssertPrinted(expected, fromFile);
        Assert.True(onnxCode == 0, onnxError);
        Assert.Contains($"exported outlives:1 (LogisticRegression, 5 parameters) to {onnx} as ONNX", onnxOutput, StringComparison.Ordinal);
        using var session = new InferenceSession(onnx);
        var input = new DenseTensor<float>(rows.Features.ToArray(), [rows.RowCount, TestDatasets.Features]);
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExport.InputName, input)]);
        float[] fromOnnx = results.Single().AsTensor<float>().ToArray();
        Assert.Equal(expected.Length, fromOnnx.Length);
        Assert.All(expected.Zip(fromOnnx), pair => Assert.Equal(pair.First, pair.Second, 1e-5));
    }

    [Fact]
    public async Task Exporting_a_hashed_model_to_onnx_exits_2_naming_the_kinds_that_export()
    {
        var hashed = new ModelSpec { Kind = ModelKind.HashedLogisticRegression, HashBits = 4 };
        await new ModelStore(new LocalDirectoryBlobStore(Blobs)).SaveAsync("clicks", hashed, Parameters(hashed));
        string target = Path.Combine(_directory.Path, "clicks.onnx");

        (int code, _, string error) = await RunAsync(["export", "--model", "clicks", "--output", target, "--format", "onnx"]);
        (int formatCode, _, string format) = await RunAsync(["export", "--model", "clicks", "--output", target, "--format", "tflite"]);

        Assert.Equal((2, 2), (code, formatCode));
        Assert.Contains("--format onnx: clicks:1 is a HashedLogisticRegression, which has no ONNX export", error, StringComparison.Ordinal);
        Assert.Contains("tflite", format, StringComparison.Ordinal);
        Assert.False(File.Exists(target));
    }

    [Fact]
    public async Task A_corrupt_blob_exits_1_naming_the_model_and_the_blob()
    {
        var store = new ModelStore(new LocalDirectoryBlobStore(Blobs));
        await store.SaveAsync("damaged", s_softmax, Parameters(s_softmax));
        string blob = Path.Combine(Blobs, "models", "damaged", "1.omlm");
        byte[] bytes = await File.ReadAllBytesAsync(blob);
        bytes[^3] ^= 0x11;
        await File.WriteAllBytesAsync(blob, bytes);
        string csv = Path.Combine(_directory.Path, "rows.csv");
        await File.WriteAllTextAsync(csv, "1,2,3\n");

        (int predictCode, string predicted, string predictError) = await RunAsync(["predict", "--model", "damaged", "--input", csv]);
        (int exportCode, _, string exportError) = await RunAsync(["export", "--model", "damaged:1", "--output", Path.Combine(_directory.Path, "x.omlmodel")]);

        foreach ((int code, string error) in new[] { (predictCode, predictError), (exportCode, exportError) })
        {
            Assert.True(code == 1, $"exit {code}: {error}");
            Assert.Contains("--model: model 'damaged:1' is corrupt: blob 'models/damaged/1.omlm'", error, StringComparison.Ordinal);
            Assert.Contains($"directory {Blobs}", error, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", error, StringComparison.Ordinal);
        }

        Assert.Equal("", predicted);
        Assert.False(File.Exists(Path.Combine(_directory.Path, "x.omlmodel")));
    }

    [Fact]
    public async Task An_unknown_model_exits_2_listing_the_known_names()
    {
        var store = new ModelStore(new LocalDirectoryBlobStore(Blobs));
        string csv = Path.Combine(_directory.Path, "rows.csv");
        await File.WriteAllTextAsync(csv, "1,2,3\n");
        (int emptyCode, _, string empty) = await RunAsync(["predict", "--model", "iris", "--input", csv]);
        await store.SaveAsync("iris", s_softmax, Parameters(s_softmax));
        await store.SaveAsync("wine", s_softmax, Parameters(s_softmax));

        (int nameCode, _, string name) = await RunAsync(["predict", "--model", "irsi", "--input", csv]);
        (int versionCode, _, string version) = await RunAsync(["export", "--model", "iris:4", "--output", Path.Combine(_directory.Path, "x.omlmodel")]);
        (int fileCode, _, string file) = await RunAsync(["predict", "--model", Path.Combine(_directory.Path, "none.omlmodel"), "--input", csv]);

        Assert.Equal((2, 2, 2, 2), (emptyCode, nameCode, versionCode, fileCode));
        Assert.Contains("there is no model named 'iris'", empty, StringComparison.Ordinal);
        Assert.Contains("it holds no models", empty, StringComparison.Ordinal);
        Assert.Contains("--model: there is no model named 'irsi'", name, StringComparison.Ordinal);
        Assert.Contains("it holds iris, wine.", name, StringComparison.Ordinal);
        Assert.Contains("model 'iris' has no version 4", version, StringComparison.Ordinal);
        Assert.Contains("its versions are 1.", version, StringComparison.Ordinal);
        Assert.Contains("none.omlmodel' does not exist", file, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_lists_the_local_store_or_says_it_is_empty()
    {
        (int emptyCode, string empty, _) = await RunAsync(["models"]);
        var store = new ModelStore(new LocalDirectoryBlobStore(Blobs));
        await store.SaveAsync("iris", s_softmax, Parameters(s_softmax), new Dictionary<string, double> { ["test_accuracy"] = 0.96 });
        await store.SaveAsync("iris", s_softmax, Parameters(s_softmax));
        var hashed = new ModelSpec { Kind = ModelKind.HashedLogisticRegression, HashBits = 4 };
        await store.SaveAsync("clicks", hashed, Parameters(hashed));

        (int code, string listed, string error) = await RunAsync(["models"]);
        (int oneCode, string one, _) = await RunAsync(["models", "--name", "clicks"]);

        Assert.Equal((0, 0, 0), (emptyCode, code, oneCode));
        Assert.Contains($"no models in the local model store in {Blobs}", empty, StringComparison.Ordinal);
        string[] lines = [.. listed.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal))];
        Assert.True(lines.Length == 4, listed + error);
        Assert.Matches(@"name\s*\|\s*version\s*\|\s*kind\s*\|\s*features\s*\|\s*classes\s*\|\s*metrics\s*\|\s*created", lines[0]);
        Assert.Matches(@"clicks\s*\|\s*1\s*\|\s*HashedLogisticRegression\s*\|\s*2\^4 hashed\s*\|\s*2", lines[1]);
        Assert.Matches(@"iris\s*\|\s*1\s*\|\s*SoftmaxRegression\s*\|\s*3\s*\|\s*3\s*\|\s*test_accuracy=0.96\s*\|\s*\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", lines[2]);
        Assert.Matches(@"iris\s*\|\s*2\s*\|", lines[3]);
        Assert.DoesNotContain("iris", one, StringComparison.Ordinal);
        Assert.Contains("clicks", one, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sparse_model_predicts_libsvm_rows_locally()
    {
        var spec = new ModelSpec { Kind = ModelKind.FactorizationMachine, FeatureCount = 6, FactorCount = 2 };
        float[] parameters = Parameters(spec);
        await new ModelStore(new LocalDirectoryBlobStore(Blobs)).SaveAsync("fm", spec, parameters);
        string libsvm = Path.Combine(_directory.Path, "rows.libsvm");
        await File.WriteAllTextAsync(libsvm, "1 0:1 3:0.5\n0 2:2 5:1\n");

        (int code, string output, string error) = await RunAsync(["predict", "--model", "fm", "--input", libsvm]);

        Assert.True(code == 0, error);
        var sparse = new SparseDataset<int>([0, 2, 4], [0, 3, 2, 5], [1f, 0.5f, 2f, 1f], [1f, 0f], 6);
        var expected = new float[2];
        spec.Create().Predict(parameters, DataBatch.All(sparse), expected);
        AssertPrinted(expected, output);
    }

    private static void AssertPrinted(float[] expected, string printed)
    {
        float[] values = [.. printed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => float.Parse(l, CultureInfo.InvariantCulture))];
        Assert.Equal(expected.Length, values.Length);
        for (int i = 0; i < values.Length; i++)
        {
            Assert.Equal(expected[i], values[i], 1e-5);
        }
    }

    private static float[] Parameters(ModelSpec spec)
    {
        IModel model = spec.Create();
        var parameters = new float[model.ParameterCount];
        model.InitializeParameters(parameters, 11);
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] += 0.05f * ((i % 7) - 3);
        }

        return parameters;
    }

    private Task<(int Code, string Output, string Error)> RunAsync(string[] args) => CliRuns.InDirectoryAsync(_directory.Path, args, log, Data);
}
