using System.Text.RegularExpressions;
using OrleansML.Learning.Data.Readers;
using OrleansML.Learning.Data.Synthetic;
using OrleansML.Learning.Models.Files;
using OrleansML.Training.Tests.Client.Support;

namespace OrleansML.Training.Tests.Client;

/// <summary>
/// The CLI's embedded mode as users run it: <c>train</c> or <c>demo</c> in one process, then <c>predict</c> and
/// <c>export</c> in later processes with no cluster, reading the model the first one saved in the data directory.
/// </summary>
public sealed partial class EmbeddedModeProcessTests(ITestOutputHelper log) : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_model_trained_by_one_process_is_predicted_and_exported_by_later_ones()
    {
        (string train, string test) = TestDatasets.Write(_directory.Path);
        string data = Path.Combine(_directory.Path, "data");
        var environment = new Dictionary<string, string?> { ["HOME"] = _directory.Path, ["ORLEANSML_DATA_DIR"] = data };

        (int trainCode, string trained, string trainError) = await RunAsync(
            ["train", "--model", "logistic", "--features", "4", "--train", train, "--test", test, "--workers", "2", "--shards", "2",
             "--epochs", "2", "--batch-size", "32", "--model-name", "kept-model"], environment);
        Assert.True(trainCode == 0, $"{trained}{trainError}");
        Assert.Contains($"starting an embedded cluster of 2 silos (state in {data})", trained, StringComparison.Ordinal);
        Assert.Contains($"the model is kept in {data}", trained, StringComparison.Ordinal);

        string exported = Path.Combine(_directory.Path, "kept.omlmodel");
        (int exportCode, string export, string exportError) = await RunAsync(["export", "--model", "kept-model:1", "--output", exported], environment);
        DenseDataset rows = SyntheticData.Logistic(new DenseProblemOptions { RowCount = 5, FeatureCount = TestDatasets.Features, Seed = 17 }).Dataset;
        string csv = Path.Combine(_directory.Path, "rows.csv");
        await File.WriteAllLinesAsync(csv, Enumerable.Range(0, rows.RowCount).Select(r => string.Join(',', rows.Row(r).ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));
        (int predictCode, string predictions, string predictError) = await RunAsync(["predict", "--model", "kept-model", "--input", csv], environment);
        (int unknownCode, _, string unknown) = await RunAsync(["predict", "--model", "never-trained", "--input", csv], environment);

        Assert.True(exportCode == 0, $"{export}{exportError}");
        Assert.Contains("no cluster configured: using the models in " + data, exportError, StringComparison.Ordinal);
        SavedModel model = ModelFile.Read(exported);
        Assert.Equal(("kept-model", 1), (model.Header.Name, model.Header.Version));
        Assert.True(predictCode == 0, $"{predictions}{predictError}");
        var expected = new float[rows.RowCount];
        model.Header.Model.Create().Predict(model.Parameters, DataBatch.All(rows), expected);
        float[] printed = [.. predictions.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => float.Parse(l, CultureInfo.InvariantCulture))];
        Assert.Equal(expected.Length, printed.Length);
        for (int i = 0; i < printed.Length; i++)
        {
            Assert.Equal(expected[i], printed[i], 1e-5);
        }

        Assert.Equal(2, unknownCode);
        Assert.Contains("--model: there is no model named 'never-trained' in the model store (directory " + Path.Combine(data, "blobs"), unknown, StringComparison.Ordinal);
        Assert.Contains("it holds kept-model.", unknown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_demo_ends_with_its_accuracy_line_and_its_model_outlives_it()
    {
        string data = Path.Combine(_directory.Path, "data");
        var environment = new Dictionary<string, string?> { ["ORLEANSML_DATA_DIR"] = data };

        (int code, string output, string error) = await RunAsync(["demo", "--epochs", "2"], environment, TimeSpan.FromMinutes(4));

        Assert.True(code == 0, $"{output}{error}");
        string last = output.TrimEnd().Split('\n')[^1];
        Match line = DemoLine().Match(last);
        Assert.True(line.Success, last);
        Assert.InRange(double.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture), 0.80, 1.0);

        FashionMnistData fashion = FashionMnist.Load(FashionMnist.DefaultDirectory);
        string csv = Path.Combine(_directory.Path, "fashion.csv");
        await File.WriteAllLinesAsync(csv, Enumerable.Range(0, 20).Select(r => string.Join(',', fashion.Test.Row(r).ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));
        (int predictCode, string predictions, string predictError) = await RunAsync(["predict", "--model", "fashion-mnist-softmax", "--input", csv], environment);

        Assert.True(predictCode == 0, $"{predictions}{predictError}");
        string[] lines = predictions.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(20, lines.Length);
        int correct = lines.Select((l, r) => int.Parse(l.Split('\t')[0], CultureInfo.InvariantCulture) == (int)fashion.Test.Labels[r] ? 1 : 0).Sum();
        Assert.True(correct >= 14, $"{correct} of 20 test rows predicted right");
    }

    private async Task<(int Code, string Output, string Error)> RunAsync(string[] args, Dictionary<string, string?> environment, TimeSpan? timeout = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        (int code, string output, string error) = await ChildProcess.RunCliAsync(args, environment, timeout);
        log.WriteLine($"$ orleansml {string.Join(' ', args)} -> exit {code} in {clock.Elapsed.TotalSeconds:F1} s\n{output}{error}");
        return (code, output, error);
    }

    [GeneratedRegex(@"^demo test_accuracy=(\d\.\d{4}) seconds=\d+\.\d$")]
    private static partial Regex DemoLine();
}
