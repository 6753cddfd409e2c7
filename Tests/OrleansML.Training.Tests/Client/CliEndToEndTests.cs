using OrleansML.Learning.Data.Synthetic;
using OrleansML.Learning.Models.Files;
using OrleansML.Learning.Models.Store;
using OrleansML.Learning.Storage;
using OrleansML.Models;
using OrleansML.Training.Tests.Client.Support;

namespace OrleansML.Training.Tests.Client;

/// <summary>The CLI in process against real clusters: its embedded one for <c>train</c>, and a shared two-silo
/// cluster with gateways (reached through flags or the environment) for everything that outlives a command.</summary>
public sealed class CliEndToEndTests(GatewayClusterFixture fixture, ITestOutputHelper log) : IClassFixture<GatewayClusterFixture>
{
    private static readonly Dictionary<string, string?> s_noCluster = CliRuns.NoCluster;

    [Fact]
    public async Task Train_with_flags_on_the_embedded_cluster_prints_each_epoch_and_the_final_status()
    {
        (int code, string output, string error) = await RunAsync(
            ["train", "--model", "logistic", "--features", "4", "--train", fixture.Train, "--test", fixture.Test,
             "--workers", "2", "--shards", "1", "--epochs", "2", "--batch-size", "32", "--optimizer", "adam", "--learning-rate", "0.1",
             "--job-id", "embedded-flags", "--silos", "2"],
            new Dictionary<string, string?>(s_noCluster) { ["ORLEANSML_DATA_DIR"] = Path.Combine(fixture.Directory, "embedded-flags") });

        Assert.True(code == 0, $"exit {code}; out: {output}; err: {error}");
        Assert.Contains($"starting an embedded cluster of 2 silos (state in {Path.Combine(fixture.Directory, "embedded-flags")})", output, StringComparison.Ordinal);
        Assert.Matches(@"epoch 1/2 train_loss=\d+\.\d{4} test_accuracy=\d\.\d{4} seconds=", output);
        Assert.Matches(@"epoch 2/2 train_loss=\d+\.\d{4} test_accuracy=\d\.\d{4} seconds=", output);
        Assert.Contains("job embedded-flags completed epochs=2/2 workers=2 shards=1 retries=0 model=embedded-flags:1", output, StringComparison.Ordinal);
        double accuracy = double.Parse(System.Text.RegularExpressions.Regex.Match(output, @"epoch 2/2 .*test_accuracy=(\d\.\d{4})").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(accuracy > 0.7, $"test accuracy {accuracy}");
    }

    [Fact]
    public async Task Train_from_a_spec_file_with_an_override_then_predict_and_export_through_a_gateway()
    {
        TrainingSpec file = TestDatasets.ValidSpec(fixture.Train, fixture.Test) with { Epochs = 1, Seed = 21, ModelName = "e2e-model" };
        string specPath = Path.Combine(fixture.Directory, "e2e-spec.json");
        await File.WriteAllTextAsync(specPath, TrainingSpecFile.ToJson(file));

        (int code, string output, string error) = await RunAsync(["train", "--spec", specPath, "--epochs", "2", "--job-id", "e2e-spec"], fixture.Environment);

        Assert.True(code == 0, $"exit {code}; out: {output}; err: {error}");
        Assert.DoesNotContain("embedded", output, StringComparison.Ordinal);
        Assert.Contains("epoch 2/2 ", output, StringComparison.Ordinal);
        Assert.Contains("job e2e-spec completed epochs=2/2", output, StringComparison.Ordinal);
        OrleansMLClient client = fixture.Client();
        TrainingSpec? ran = await client.GetJob("e2e-spec").GetSpecAsync();
        Assert.Equal((2, 21, "e2e-model"), (ran!.Epochs, ran.Seed, ran.ModelName));
        SavedModel model = await client.GetModelAsync("e2e-model");

        // Local predictions with the downloaded model are what 'predict' must print, row for row.
        DenseDataset rows = SyntheticData.Logistic(new DenseProblemOptions { RowCount = 12, FeatureCount = TestDatasets.Features, Seed = 31 }).Dataset;
        var expected = new float[rows.RowCount];
        model.Header.Model.Create().Predict(model.Parameters, DataBatch.All(rows), expected);
        string csv = Path.Combine(fixture.Directory, "rows.csv");
        string libsvm = Path.Combine(fixture.Directory, "rows.libsvm");
        await File.WriteAllTextAsync(csv, Csv(rows));
        await File.WriteAllTextAsync(libsvm, LibSvm(rows));
        foreach (string input in new[] { csv, libsvm })
        {
            (int predictCode, string predictions, string predictError) = await RunAsync(
                ["predict", "--model", "e2e-model", "--input", input, .. fixture.ConnectionFlags], s_noCluster);

            Assert.True(predictCode == 0, $"{input}: exit {predictCode}; err: {predictError}");
            float[] printed = predictions.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(line => float.Parse(line, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(rows.RowCount, printed.Length);
            for (int row = 0; row < printed.Length; row++)
            {
                Assert.Equal(expected[row], printed[row], 1e-5);
            }
        }

        string exported = Path.Combine(fixture.Directory, "out", "e2e.omlmodel");
        (int exportCode, string exportOutput, string exportError) = await RunAsync(
            ["export", "--model", "e2e-model:1", "--output", exported, .. fixture.ConnectionFlags], s_noCluster);

        Assert.True(exportCode == 0, $"exit {exportCode}; err: {exportError}");
        Assert.Contains($"exported e2e-model:1 (LogisticRegression, {model.Parameters.Length} parameters)", exportOutput, StringComparison.Ordinal);
        SavedModel read = ModelFile.Read(exported);
        Assert.Equal((read.Header.Name, read.Header.Version, read.Header.Model.Kind), ("e2e-model", 1, ModelKind.LogisticRegression));
        Assert.Equal(model.Parameters, read.Parameters);
    }

    [Fact]
    public async Task Models_lists_the_cluster_model_store_and_predicts_from_it()
    {
        var spec = new ModelSpec { Kind = ModelKind.SoftmaxRegression, FeatureCount = 2, ClassCount = 3 };
        float[] parameters = [0.5f, -1f, 0f, 1f, 0.25f, 0.25f, 0f, 0f, 1f];
        await fixture.Cluster.Client.GetGrain<IModelRegistryGrain>("listed").SaveAsync(spec, new FloatTensor(parameters),
            new Dictionary<string, double> { ["test_accuracy"] = 0.5 }, "job-listed");
        string csv = Path.Combine(fixture.Directory, "listed.csv");
        await File.WriteAllTextAsync(csv, "1,2\n-1,0.5\n");

        (int code, string output, string error) = await RunAsync(["models", "--name", "listed"], fixture.Environment);
        (int predictCode, string predicted, string predictError) = await RunAsync(["predict", "--model", "listed", "--input", csv], fixture.Environment);

        Assert.True(code == 0, $"exit {code}; err: {error}");
        Assert.Matches(@"\|\s*listed\s*\|\s*1\s*\|\s*SoftmaxRegression\s*\|\s*2\s*\|\s*3\s*\|\s*test_accuracy=0.5\s*\|", output);
        Assert.True(predictCode == 0, $"exit {predictCode}; err: {predictError}");
        Assert.Equal(2, predicted.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.True(File.Exists(Path.Combine(fixture.Directory, "state", "blobs", "models", "listed", "1.omlm")), "the model file is a blob in the cluster's store");
    }

    [Fact]
    public async Task Predict_on_the_cluster_prints_the_class_labels_the_job_saved_with_the_model()
    {
        // A job saves as the coordinator does: a reserved version written to the store with the data's labels, then listed.
        var spec = new ModelSpec { Kind = ModelKind.SoftmaxRegression, FeatureCount = 2, ClassCount = 3 };
        float[] parameters = [1f, 0f, -1f, 0f, 0f, 1f, 0f, 0f, 0f];
        IModelRegistryGrain registry = fixture.Cluster.Client.GetGrain<IModelRegistryGrain>("labelled");
        ModelSaveSlot slot = await registry.ReserveVersionAsync("job-labelled");
        var store = new ModelStore(new LocalDirectoryBlobStore(Path.Combine(fixture.Directory, "state", "blobs")), TimeProvider.System);
        await store.SaveVersionAsync("labelled", slot.Version, spec, parameters, jobId: "job-labelled", classLabels: ["cat", "dog", "owl"]);
        await registry.CommitVersionAsync(slot.Version, "job-labelled");
        string csv = Path.Combine(fixture.Directory, "labelled.csv");
        await File.WriteAllTextAsync(csv, "3,0\n-3,0\n0,3\n");

        (int code, string predicted, string error) = await RunAsync(["predict", "--model", "labelled", "--input", csv], fixture.Environment);

        Assert.True(code == 0, $"exit {code}; err: {error}");
        Assert.Equal(["cat", "dog", "owl"], predicted.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('\t')[0].Trim()));
        Assert.Equal(["cat", "dog", "owl"], (await registry.ListAsync()).Single().ClassLabels);
    }

    [Fact]
    public async Task Cluster_lists_both_silos_as_active_with_activations_per_grain_type()
    {
        var spec = new ModelSpec { Kind = ModelKind.LinearRegression, FeatureCount = 1 };
        await fixture.Cluster.Client.GetGrain<IModelRegistryGrain>("cluster-view").SaveAsync(spec, new FloatTensor([1f, 0f]), [], "job-cv");

        (int code, string output, string error) = await RunAsync(["cluster"], fixture.Environment);

        Assert.True(code == 0, $"exit {code}; err: {error}");
        Assert.Contains($"cluster '{fixture.Cluster.ClusterId}' through gateways 127.0.0.1:{fixture.Cluster.GatewayPorts[0]}", output, StringComparison.Ordinal);
        for (int silo = 0; silo < 2; silo++)
        {
            Assert.Matches($@"\| 127\.0\.0\.1:\d+ +\| embedded-{silo} +\| Active +\| {fixture.Cluster.GatewayPorts[silo]} +\|", output);
        }

        Assert.Matches(@"\| OrleansML\.Grains\.Models\.ModelRegistryGrain +\| 127\.0\.0\.1:\d+ +\| [1-9]\d* +\|", output);
    }

    [Fact]
    public async Task Watch_follows_a_detached_job_to_completion_and_status_reports_it()
    {
        (int code, string output, string error) = await RunAsync(
            ["train", "--model", "logistic", "--features", "4", "--train", fixture.Train, "--workers", "2", "--shards", "2",
             "--epochs", "3", "--batch-size", "16", "--job-id", "e2e-watch", "--detach"], fixture.Environment);
        Assert.True(code == 0, $"exit {code}; err: {error}");
        Assert.Equal("started job e2e-watch", output.Trim());

        (int watchCode, string watched, string watchError) = await RunAsync(["watch", "e2e-watch"], fixture.Environment);
        (int statusCode, string status, _) = await RunAsync(["status", "e2e-watch"], fixture.Environment);

        Assert.True(watchCode == 0, $"exit {watchCode}; out: {watched}; err: {watchError}");
        Assert.Contains("epoch 3/3 train_loss=", watched, StringComparison.Ordinal);
        Assert.Contains("job e2e-watch completed epochs=3/3 workers=2 shards=2", watched, StringComparison.Ordinal);
        Assert.Equal(0, statusCode);
        Assert.Contains("job e2e-watch completed epochs=3/3", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancelled_job_ends_watch_and_status_with_exit_1()
    {
        (int code, _, string error) = await RunAsync(
            ["train", "--model", "logistic", "--features", "4", "--train", fixture.Train, "--workers", "1", "--shards", "1",
             "--epochs", "500", "--batch-size", "1", "--job-id", "e2e-cancel", "--detach"], fixture.Environment);
        Assert.True(code == 0, error);

        (int cancelCode, string cancelled, _) = await RunAsync(["cancel", "e2e-cancel"], fixture.Environment);
        (int watchCode, string watched, _) = await RunAsync(["watch", "e2e-cancel"], fixture.Environment);
        (int statusCode, _, _) = await RunAsync(["status", "e2e-cancel"], fixture.Environment);

        Assert.Equal(0, cancelCode);
        Assert.Contains("job e2e-cancel cancelled", cancelled, StringComparison.Ordinal);
        Assert.Equal((1, 1), (watchCode, statusCode));
        Assert.Contains("reason=\"cancelled by a client\"", watched, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_diverging_job_makes_train_exit_1_with_the_reason()
    {
        TrainingSpec spec = TestDatasets.ValidSpec(fixture.Train, fixture.Test) with
        {
            JobId = "e2e-diverge",
            Model = new ModelSpec { Kind = ModelKind.LinearRegression, FeatureCount = TestDatasets.Features },
            Optimizer = new OptimizerSettings { Kind = OptimizerKind.Sgd, LearningRate = 1e30f },
            MaxEpochRetries = 0,
        };
        string specPath = Path.Combine(fixture.Directory, "diverge.json");
        await File.WriteAllTextAsync(specPath, TrainingSpecFile.ToJson(spec));

        (int code, string output, string error) = await RunAsync(["train", "--spec", specPath], fixture.Environment);
        (int statusCode, string status, _) = await RunAsync(["status", "e2e-diverge"], fixture.Environment);
        (int watchCode, string watched, _) = await RunAsync(["watch", "e2e-diverge"], fixture.Environment);

        Assert.True(code == 1, $"exit {code}; out: {output}; err: {error}");
        Assert.Matches("job e2e-diverge failed epochs=0/2 .* reason=\"epoch 1 failed 1 times; last error: .*diverged", output);
        Assert.Equal(1, statusCode);
        Assert.Contains("job e2e-diverge failed", status, StringComparison.Ordinal);
        Assert.Equal(1, watchCode);
        Assert.Contains("job e2e-diverge failed: epoch 1 failed 1 times", watched, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("wrong-width.csv", "f0,f1,f2,f3\n1,2,3,4\n1,2,3\n", "line 3: 3 values, but the model reads 4 features")]
    [InlineData("not-a-number.csv", "1,2,3,4\n0.5,abc,3,4\n", "line 2 field 2: 'abc' is not a finite number")]
    [InlineData("bad.libsvm", "1 1:0.5 2:0.25\n0 1:0.5 2:x\n", "line 2 column 11: value 'x' is not a number")]
    public async Task Bad_prediction_input_exits_2_naming_the_file_line_and_field(string name, string content, string expected)
    {
        var spec = new ModelSpec { Kind = ModelKind.LinearRegression, FeatureCount = 4 };
        await fixture.Cluster.Client.GetGrain<IModelRegistryGrain>("bad-input").SaveAsync(spec, new FloatTensor([1f, 1f, 1f, 1f, 0f]), [], "job-bad");
        string path = Path.Combine(fixture.Directory, name);
        await File.WriteAllTextAsync(path, content);

        (int code, string output, string error) = await RunAsync(["predict", "--model", "bad-input", "--input", path], fixture.Environment);

        Assert.True(code == 2, $"exit {code}; out: {output}; err: {error}");
        Assert.True(error.Contains(path, StringComparison.Ordinal) && error.Contains(expected, StringComparison.Ordinal), error);
        Assert.Equal("", output);
    }

    [Fact]
    public async Task Predicting_with_a_sparse_model_exits_2_before_reading_the_input()
    {
        var spec = new ModelSpec { Kind = ModelKind.HashedLogisticRegression, HashBits = 4 };
        float[] parameters = new float[spec.Create().ParameterCount];
        await fixture.Cluster.Client.GetGrain<IModelRegistryGrain>("sparse-model").SaveAsync(spec, new FloatTensor(parameters), [], "job-sparse");
        string path = Path.Combine(fixture.Directory, "sparse-rows.libsvm");
        await File.WriteAllTextAsync(path, "1 3:1 7:1\n");

        (int code, string output, string error) = await RunAsync(["predict", "--model", "sparse-model", "--input", path], fixture.Environment);

        Assert.True(code == 2, $"exit {code}; out: {output}; err: {error}");
        Assert.Contains("sparse-model:1 is a HashedLogisticRegression, which reads sparse input", error, StringComparison.Ordinal);
        Assert.Contains("orleansml export", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watching_a_job_that_was_never_started_exits_2_at_once()
    {
        (int code, _, string error) = await RunAsync(["watch", "no-such-job"], fixture.Environment);

        Assert.Equal(2, code);
        Assert.Contains("no job 'no-such-job'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gateway_that_does_not_answer_exits_3()
    {
        int closedPort = Support.ClosedPort.Find();
        var environment = new Dictionary<string, string?>(fixture.Environment) { ["ORLEANSML_GATEWAYS"] = $"127.0.0.1:{closedPort}" };

        (int code, _, string error) = await RunAsync(["status", "e2e-any"], environment);

        Assert.True(code == 3, $"exit {code}; err: {error}");
        Assert.Contains($"cannot reach the cluster '{fixture.Cluster.ClusterId}' through gateway 127.0.0.1:{closedPort}", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    private Task<(int Code, string Output, string Error)> RunAsync(string[] args, IReadOnlyDictionary<string, string?> environment) =>
        CliRuns.RunAsync(args, environment, log);

    private static string Csv(DenseDataset rows) => "label,f0,f1,f2,f3\n" + string.Concat(Enumerable.Range(0, rows.RowCount).Select(row =>
        $"{Blobs.Text(rows.Labels[row])},{string.Join(',', rows.Row(row).ToArray().Select(Blobs.Text))}\n"));

    private static string LibSvm(DenseDataset rows) => string.Concat(Enumerable.Range(0, rows.RowCount).Select(row =>
        Blobs.Text(rows.Labels[row]) + string.Concat(rows.Row(row).ToArray().Select((value, k) => $" {k + 1}:{Blobs.Text(value)}")) + "\n"));
}
