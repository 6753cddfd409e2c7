using System.Text;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OrleansML.Learning.Models.Onnx;
using OrleansML.Learning.Storage;
using OrleansML.Training.Tests.Client.Support;
using Parquet;
using Parquet.Schema;

namespace OrleansML.Training.Tests.Client;

/// <summary>
/// The new user's whole path with no cluster configured, each step a new <c>orleansml</c> process: train from a CSV,
/// a LIBSVM and a Parquet file (model and sizes inferred), predict, export to ONNX, and the ONNX file predicts as
/// OrleansML does.
/// </summary>
public sealed class CliRealFilesTests(ITestOutputHelper log) : IDisposable
{
    private const int Features = Blobs.Features;
    private readonly string _directory = Directory.CreateTempSubdirectory("orleansml-real-files-").FullName;

    [Fact]
    public async Task A_csv_trains_predicts_in_a_new_process_and_exports_to_onnx()
    {
        var rows = Blobs.Rows(240, seed: 1, centre: 2.0);
        string csv = Path.Combine(_directory, "train.csv");
        await File.WriteAllTextAsync(csv, "a,b,c,d,label\n" + string.Concat(rows.Select(r => string.Join(',', r.Features.Select(Blobs.Text)) + $",{r.Label}\n")));
        await TrainPredictExportAsync(csv, "from-csv", "3-class classification", ModelKind.SoftmaxRegression, rows);
    }

    [Fact]
    public async Task A_parquet_file_trains_predicts_in_a_new_process_and_exports_to_onnx()
    {
        var rows = Blobs.Rows(240, seed: 2, centre: 2.0);
        string parquet = Path.Combine(_directory, "train.parquet");
        DataField<double>[] columns = [.. Enumerable.Range(0, Features).Select(f => new DataField<double>($"x{f}"))];
        var label = new DataField<int>("label");
        await using (FileStream stream = File.Create(parquet))
        await using (ParquetWriter writer = await ParquetWriter.CreateAsync(new ParquetSchema([.. columns, label]), stream))
        {
            using ParquetRowGroupWriter group = writer.CreateRowGroup();
            for (int f = 0; f < Features; f++)
            {
                await group.WriteAsync<double>(columns[f], rows.Select(r => (double)r.Features[f]).ToArray());
            }

            await group.WriteAsync<int>(label, rows.Select(r => r.Label).ToArray());
        }

        await TrainPredictExportAsync(parquet, "from-parquet", "3-class classification", ModelKind.SoftmaxRegression, rows);
    }

    [Fact]
    public async Task A_libsvm_file_trains_a_factorization_machine_predicts_and_exports_to_onnx()
    {
        // Two classes (0 and 1) of the blobs: a binary task on sparse rows.
        var rows = Blobs.Rows(240, seed: 3, centre: 2.0).Where(r => r.Label < 2).ToList();
        string libsvm = Path.Combine(_directory, "train.libsvm");
        await File.WriteAllTextAsync(libsvm, string.Concat(rows.Select(r =>
            r.Label + string.Concat(r.Features.Select((v, f) => $" {f + 1}:{Blobs.Text(v)}")) + "\n")));
        await TrainPredictExportAsync(libsvm, "from-libsvm", "binary classification", ModelKind.FactorizationMachine, rows, ["--model", "fm"]);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task TrainPredictExportAsync(string data, string name, string task, ModelKind kind, IReadOnlyList<(float[] Features, int Label)> rows, string[]? extra = null)
    {
        (int code, string output, string error) = await RunAsync(["train", "--train", data, "--model-name", name, "--epochs", "8", .. extra ?? []]);
        Assert.True(code == 0, $"train exit {code}: {output}{error}");
        Assert.Contains($"{task}", output, StringComparison.Ordinal);
        Assert.Contains($"model={name}:1", output, StringComparison.Ordinal);

        // A sparse model reads LIBSVM rows, a dense one CSV rows.
        bool sparse = kind == ModelKind.FactorizationMachine;
        string input = Path.Combine(_directory, name + (sparse ? "-rows.libsvm" : "-rows.csv"));
        await File.WriteAllLinesAsync(input, rows.Take(20).Select(r => sparse
            ? r.Label + string.Concat(r.Features.Select((v, f) => $" {f + 1}:{Blobs.Text(v)}"))
            : string.Join(',', r.Features.Select(Blobs.Text))));
        (code, string predictions, error) = await RunAsync(["predict", "--model", name, "--input", input]);
        Assert.True(code == 0, $"predict exit {code}: {error}");
        OrleansMLModel model = OrleansMLModel.Load(name, new LocalDirectoryBlobStore(Path.Combine(_directory, "state", OrleansMLModel.LocalBlobFolder)));
        Assert.Equal(kind, model.Spec.Kind);
        float[] features = [.. rows.Take(20).SelectMany(r => r.Features)];
        float[] expected = sparse ? model.PredictBatch(Sparse(rows.Take(20).ToList())) : model.PredictBatch(features, 20);
        string[] lines = predictions.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(20, lines.Length);

        string onnx = Path.Combine(_directory, name + ".onnx");
        (code, output, error) = await RunAsync(["export", "--model", name, "--output", onnx, "--format", "onnx"]);
        Assert.True(code == 0, $"export exit {code}: {error}");
        using var session = new InferenceSession(onnx);
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run(
            [NamedOnnxValue.CreateFromTensor(OnnxExport.InputName, new DenseTensor<float>(features, [20, Features]))]);
        float[] fromOnnx = results.Single().AsTensor<float>().ToArray();
        Assert.Equal(expected.Length, fromOnnx.Length);
        Assert.All(expected.Zip(fromOnnx), pair => Assert.Equal(pair.First, pair.Second, 1e-5));
    }

    private static Learning.Data.SparseDataset<int> Sparse(List<(float[] Features, int Label)> rows) => new(
        [.. Enumerable.Range(0, rows.Count + 1).Select(r => r * Features)],
        [.. rows.SelectMany(_ => Enumerable.Range(0, Features))],
        [.. rows.SelectMany(r => r.Features)],
        [.. rows.Select(r => (float)r.Label)],
        Features);

    private async Task<(int Code, string Output, string Error)> RunAsync(string[] args)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["HOME"] = _directory, ["ORLEANSML_DATA_DIR"] = Path.Combine(_directory, "state"),
        };
        (int code, string output, string error) = await ChildProcess.RunCliAsync(args, environment, TimeSpan.FromMinutes(3));
        log.WriteLine($"$ orleansml {string.Join(' ', args)} -> exit {code}\n{output}{error}");
        return (code, output, error);
    }
}
