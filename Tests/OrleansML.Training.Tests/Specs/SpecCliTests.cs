using OrleansML.Cli;
using OrleansML.Training.Tests.Client;
using static OrleansML.Training.Tests.TestSupport.CliRuns;

namespace OrleansML.Training.Tests.Specs;

/// <summary><c>orleansml train</c> with spec files: defaults fill what a file leaves out, the new flags set their
/// fields, and every bad file ends with exit 2 and one line that names the place, with no type name.</summary>
public sealed class SpecCliTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_spec_with_only_model_and_data_and_the_readme_optimizer_takes_the_defaults()
    {
        (string train, string test) = TestDatasets.Write(_directory.Path);
        string spec = await WriteSpecAsync("minimal.json",
            $$"""{ "model": { "kind": "LogisticRegression", "featureCount": {{TestDatasets.Features}} }, "data": { "trainManifest": "{{train}}", "testManifest": "{{test}}" }, "optimizer": {"kind":"Adam","learningRate":0.004} }""");

        (int code, string output, string error) = await RunAsync(["train", "--spec", spec, "--dry-run"]);

        Assert.True(code == 0, error);
        TrainingSpec merged = TrainingSpecFile.Parse(output, "output");
        var defaults = new TrainingSpec();
        Assert.Equal((defaults.Epochs, defaults.Workers, defaults.BatchSize), (merged.Epochs, merged.Workers, merged.BatchSize));
        Assert.Equal(defaults.Optimizer with { LearningRate = 0.004f }, merged.Optimizer);
    }

    [Fact]
    public async Task The_new_flags_set_their_fields()
    {
        (string train, string test) = TestDatasets.Write(_directory.Path);

        (int code, string output, string error) = await RunAsync(
            ["train", "--model", "logistic", "--features", "4", "--train", train, "--test", test, "--l2", "0.001", "--lbfgs-l2", "0.01", "--target-accuracy", "0.9", "--target-loss", "0.2", "--epochs", "7", "--dry-run"]);

        Assert.True(code == 0, error);
        TrainingSpec merged = TrainingSpecFile.Parse(output, "output");
        Assert.Equal((0.001f, 0.01, 0.9, 0.2, 7), (merged.Optimizer.L2Regularization, merged.LbfgsL2Regularization, merged.TargetAccuracy, merged.TargetLoss, merged.Epochs));
        Assert.Equal(OptimizerKind.Adam, merged.Optimizer.Kind);
    }

    [Theory]
    [InlineData("""{ "model": { "kind": "Transformer" } }""", "$.model.kind", "LogisticRegression")]
    [InlineData("""{ "optimizer": { "learningRate": "fast" } }""", "$.optimizer.learningRate", "\"fast\" is not a number")]
    [InlineData("""{ "optimizer": { "learningRate": -1 }, "model": { "featureCount": 4 }, "data": { "trainManifest": "x.manifest.json" } }""", "optimizer.learningRate", "must be > 0")]
    [InlineData("""{ "workers": 2, "wrkers": 3 }""", "$.wrkers", "known fields here are jobId")]
    [InlineData("{ \"epochs\": ", "line 1", "not valid JSON")]
    public async Task A_bad_spec_file_exits_2_with_one_line_naming_the_field(string json, string field, string reason)
    {
        string spec = await WriteSpecAsync("bad.json", json);

        (int code, _, string error) = await RunAsync(["train", "--spec", spec]);

        Assert.Equal(ExitCodes.BadUsage, code);
        string line = error.TrimEnd();
        Assert.DoesNotContain('\n', line);
        Assert.Contains(field, line, StringComparison.Ordinal);
        Assert.Contains(reason, line, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_huge_bad_value_is_cut_and_a_directory_is_named_as_one()
    {
        string spec = await WriteSpecAsync("huge.json", "{ \"mode\": \"" + new string('z', 30_000) + "\" }");
        (int code, _, string error) = await RunAsync(["train", "--spec", spec]);
        Assert.Equal(ExitCodes.BadUsage, code);
        Assert.True(error.Length < 400, $"the error is {error.Length} characters long");
        Assert.Contains("Bsp", error, StringComparison.Ordinal);

        (code, _, error) = await RunAsync(["train", "--spec", _directory.Path]);
        Assert.Equal(ExitCodes.BadUsage, code);
        Assert.Contains("is a directory", error, StringComparison.Ordinal);
    }

    private async Task<string> WriteSpecAsync(string name, string json)
    {
        string path = Path.Combine(_directory.Path, name);
        await File.WriteAllTextAsync(path, json);
        return path;
    }
}
