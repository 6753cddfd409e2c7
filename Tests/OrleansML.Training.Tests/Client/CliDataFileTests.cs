using System.Text;
using System.Text.RegularExpressions;
using OrleansML.Cli;
using OrleansML.Training.Tests.Client.Support;

namespace OrleansML.Training.Tests.Client;

/// <summary><c>orleansml train --train file</c> as a new user runs it: a CSV or LIBSVM file, no manifest, no
/// model flags; and what bad data and mismatched models print.</summary>
public sealed class CliDataFileTests(ITestOutputHelper log) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("orleansml-cli-data-").FullName;

    [Fact]
    public async Task A_csv_file_trains_with_the_model_inferred_and_a_second_run_reuses_the_import()
    {
        string train = WriteBlobs("train.csv", rows: 300, seed: 1);
        string test = WriteBlobs("test.csv", rows: 90, seed: 2);
        string[] args = ["train", "--train", train, "--test", test, "--epochs", "6", "--optimizer", "adam", "--learning-rate", "0.05", "--silos", "1", "--job-id", "csv-first"];

        (int code, string output, string error) = await RunAsync(args);

        Assert.True(code == 0, $"exit {code}; out: {output}; err: {error}");
        Assert.Contains("data: 300 rows, 4 dense features, 3-class classification; labels 0->0, 1->1, 2->2", output, StringComparison.Ordinal);
        Assert.Contains("train.csv: imported 300 rows", output, StringComparison.Ordinal);
        Assert.Contains("job csv-first completed epochs=6/6", output, StringComparison.Ordinal);
        double accuracy = double.Parse(Regex.Match(output, @"epoch 6/6 .*test_accuracy=(\d\.\d{4})").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(accuracy >= 0.9, $"well-separated blobs reach only {accuracy:F4}");

        (code, output, error) = await RunAsync([.. args[..^1], "csv-second"]);

        Assert.True(code == 0, $"exit {code}; out: {output}; err: {error}");
        Assert.Contains("train.csv: already imported", output, StringComparison.Ordinal);
        Assert.Contains("test.csv: already imported", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_value_is_reported_at_its_file_line_and_column_without_a_type_name()
    {
        string train = WriteBlobs("bad.csv", rows: 20, seed: 3);
        string[] lines = File.ReadAllLines(train);
        lines[4] = "1,0.5,oops,0.25,1.5";
        File.WriteAllLines(train, lines);

        (int code, string output, string error) = await RunAsync(["train", "--train", train, "--silos", "1"]);

        Assert.Equal(ExitCodes.BadUsage, code);
        Assert.Contains($"{train}:5:", error, StringComparison.Ordinal);
        Assert.Contains("oops", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", error + output, StringComparison.Ordinal);
        Assert.DoesNotContain("started job", output, StringComparison.Ordinal);
    }

    /// <summary>The model kind is the user's whether a flag or the spec file sets it: neither is overridden by
    /// the kind the data would call for.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_dense_model_on_sparse_data_is_refused_before_any_job_starts(bool kindInSpecFile)
    {
        string train = Path.Combine(_directory, "sparse.libsvm");
        var text = new StringBuilder();
        for (int row = 0; row < 40; row++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{row % 2} {1 + (row % 7)}:1 {9 + (row % 3)}:0.5\n");
        }

        await File.WriteAllTextAsync(train, text.ToString());

        string spec = Path.Combine(_directory, "spec.json");
        await File.WriteAllTextAsync(spec, """{ "model": { "kind": "SoftmaxRegression" } }""");
        string[] kindArgs = kindInSpecFile ? ["--spec", spec] : ["--model", "softmax"];
        (int code, string output, string error) = await RunAsync(["train", "--train", train, .. kindArgs, "--silos", "1"]);

        Assert.Equal(ExitCodes.BadUsage, code);
        Assert.Contains("--model: SoftmaxRegression reads dense rows, but the LibSvm data is sparse", error, StringComparison.Ordinal);
        Assert.DoesNotContain("started job", output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Writes <see cref="Blobs"/> rows as a CSV whose first column, named "label", is the label.</summary>
    private string WriteBlobs(string name, int rows, int seed)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllLines(path, ["label,a,b,c,d", .. Blobs.Rows(rows, seed).Select(r => $"{r.Label},{string.Join(',', r.Features.Select(Blobs.Text))}")]);
        return path;
    }

    private Task<(int Code, string Output, string Error)> RunAsync(string[] args) => CliRuns.InDirectoryAsync(_directory, args, log);
}
