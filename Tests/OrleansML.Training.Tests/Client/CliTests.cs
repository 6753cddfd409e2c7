using OrleansML.Cli;
using static OrleansML.Training.Tests.TestSupport.CliRuns;

namespace OrleansML.Training.Tests.Client;

public sealed class CliTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("--workers", new[] { "train", "--workers", "abc" })]
    [InlineData("--bogus", new[] { "train", "--bogus", "1" })]
    [InlineData("--mode", new[] { "train", "--mode", "fast", "--train", "x.manifest.json" })]
    [InlineData("--model", new[] { "train", "--model", "tree" })]
    [InlineData("--hidden", new[] { "train", "--hidden", "64,x" })]
    [InlineData("--model", new[] { "predict", "--input", "rows.csv" })]
    [InlineData("--silos", new[] { "demo", "--silos", "0" })]
    public async Task Bad_usage_exits_2_naming_the_flag(string flag, string[] args)
    {
        (int code, string output, string error) = await RunAsync(args);

        Assert.True(code == 2, $"exit {code}; out: {output}; err: {error}");
        Assert.Contains(flag, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_spec_exits_2_naming_the_field()
    {
        (string train, string test) = TestDatasets.Write(_directory.Path);

        (int code, _, string error) = await RunAsync(["train", "--model", "logistic", "--features", "4", "--train", train, "--test", test, "--workers", "2", "--backup-workers", "2", "--dry-run"]);

        Assert.Equal(2, code);
        Assert.Contains("backupWorkers:", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cluster")]
    [InlineData("status")]
    [InlineData("watch")]
    [InlineData("cancel")]
    public async Task Commands_that_need_a_cluster_exit_3_saying_how_to_configure_one(string command)
    {
        string[] args = command == "cluster" ? ["cluster"] : [command, "job-1"];

        (int code, _, string error) = await RunAsync(args);

        Assert.Equal(3, code);
        Assert.Contains("no cluster is configured", error, StringComparison.Ordinal);
        Assert.Contains("ORLEANSML_GATEWAYS", error, StringComparison.Ordinal);
        Assert.Contains("--postgres", error, StringComparison.Ordinal);
        Assert.Contains("--config", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "cluster", "--gateway", "somewhere" }, "--gateway (ORLEANSML_GATEWAYS): 'somewhere' must be <IP address>:<port>")]
    [InlineData(new[] { "cluster", "--gateway", "127.0.0.1:70000" }, "'127.0.0.1:70000' must be <IP address>:<port>")]
    [InlineData(new[] { "cluster", "--gateway", "30000", "--postgres", "Host=db" }, "--gateway (ORLEANSML_GATEWAYS) and --postgres (ORLEANSML_POSTGRES) are exclusive")]
    [InlineData(new[] { "cluster", "--config", "/nonexistent/appsettings.json" }, "--config (ORLEANSML_CONFIG): '/nonexistent/appsettings.json' does not exist.")]
    [InlineData(new[] { "cluster", "--postgres", "Hots=db;Password=hunter2" }, "keyword 'Hots', which Npgsql does not know")]
    [InlineData(new[] { "db", "init" }, "no PostgreSQL is named: pass --connection")]
    [InlineData(new[] { "db", "check", "--connection", "Host=db;Port=x;Password=hunter2" }, "invalid value for keyword 'Port'")]
    public async Task A_wrongly_named_cluster_or_database_exits_2_naming_the_flag(string[] args, string expected)
    {
        (int code, string output, string error) = await RunAsync(args);

        Assert.True(code == 2, $"exit {code}; out: {output}; err: {error}");
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ \"Orleans\": { ", "is not valid JSON")]
    [InlineData("{ \"Orleans\": { \"Clustering\": { \"ProviderType\": \"Consul\" } } }", "Orleans:Clustering:ProviderType is 'Consul'; the CLI reaches clusters whose clustering is AdoNet (PostgreSQL), Development or Static.")]
    [InlineData("{ \"Orleans\": { \"Clustering\": { \"ProviderType\": \"AdoNet\" } } }", "Orleans:Clustering chooses AdoNet but names no database")]
    [InlineData("{ \"Orleans\": { \"Clustering\": { \"ProviderType\": \"AdoNet\", \"Invariant\": \"Microsoft.Data.SqlClient\", \"ConnectionString\": \"x\" } } }", "OrleansML supports PostgreSQL only")]
    public async Task A_bad_settings_file_exits_2(string json, string expected)
    {
        string settings = Path.Combine(_directory.Path, "appsettings.json");
        await File.WriteAllTextAsync(settings, json);

        (int code, _, string error) = await RunAsync(["cluster", "--config", settings]);

        Assert.True(code == 2, error);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Orleans_environment_variables_name_the_cluster_as_they_do_for_silos()
    {
        int port = Support.ClosedPort.Find();
        var environment = new Dictionary<string, string?>(CliRuns.NoCluster)
        {
            ["Orleans__ClusterId"] = "from-env",
            ["Orleans__Clustering__ProviderType"] = "AdoNet",
            ["Orleans__Clustering__ConnectionString"] = $"Host=127.0.0.1;Port={port};Database=d;Username=u;Password=hunter2",
        };

        (int code, _, string error) = await RunAsync(["cluster"], environment);

        Assert.True(code == 3, error);
        Assert.Contains($"Cannot reach PostgreSQL (host 127.0.0.1, port {port}, database d, user u): connection refused", error, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_merges_flags_over_the_spec_file()
    {
        (string train, string test) = TestDatasets.Write(_directory.Path);
        TrainingSpec file = TestDatasets.ValidSpec(train, test) with
        {
            Workers = 1,
            Epochs = 3,
            Seed = 9,
            Optimizer = new OptimizerSettings { Kind = OptimizerKind.Momentum, LearningRate = 0.5f },
        };
        string specPath = Path.Combine(_directory.Path, "spec.json");
        await File.WriteAllTextAsync(specPath, TrainingSpecFile.ToJson(file));

        (int code, string output, string error) = await RunAsync(["train", "--spec", specPath, "--epochs", "5", "--learning-rate", "0.1", "--mode", "ssp", "--dry-run"]);

        Assert.True(code == 0, error);
        TrainingSpec merged = TrainingSpecFile.Parse(output, "output");
        Assert.Equal((5, 0.1f, ConsistencyMode.Ssp), (merged.Epochs, merged.Optimizer.LearningRate, merged.Mode));
        Assert.Equal((1, 9, OptimizerKind.Momentum, ModelKind.LogisticRegression), (merged.Workers, merged.Seed, merged.Optimizer.Kind, merged.Model.Kind));
        Assert.Equal(train, merged.Data.TrainManifest);
    }

    [Fact]
    public async Task Relative_manifests_become_absolute_from_the_spec_file_or_the_working_directory()
    {
        (string train, string test) = TestDatasets.Write(_directory.Path);
        TrainingSpec file = TestDatasets.ValidSpec(Path.GetFileName(train), null!);
        string specPath = Path.Combine(_directory.Path, "relative.json");
        await File.WriteAllTextAsync(specPath, TrainingSpecFile.ToJson(file));
        string relativeTest = Path.GetRelativePath(Environment.CurrentDirectory, test);

        (int code, string output, string error) = await RunAsync(["train", "--spec", specPath, "--test", relativeTest, "--dry-run"]);

        Assert.True(code == 0, error);
        TrainingSpec merged = TrainingSpecFile.Parse(output, "output");
        Assert.Equal((train, test), (merged.Data.TrainManifest, merged.Data.TestManifest));
    }

    [Fact]
    public async Task A_spec_file_with_an_unknown_field_exits_2_naming_it()
    {
        string specPath = Path.Combine(_directory.Path, "bad.json");
        await File.WriteAllTextAsync(specPath, "{\n  \"epochz\": 3\n}");

        (int code, _, string error) = await RunAsync(["train", "--spec", specPath]);

        Assert.Equal(2, code);
        Assert.Contains("epochz", error, StringComparison.Ordinal);
        Assert.Contains("line 2", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_demo_spec_spans_its_cosine_schedule_over_every_step()
    {
        TrainingSpec spec = DemoCommand.Spec("/d/train.manifest.json", "/d/test.manifest.json", epochs: 10, batchSize: 128);

        Assert.Equal(10 * 469, spec.Optimizer.Schedule.DecaySteps);
        Assert.Equal((OptimizerKind.Adam, 0.002f), (spec.Optimizer.Kind, spec.Optimizer.LearningRate));
        Assert.Equal((2, 2, ConsistencyMode.ModelAveraging, DemoCommand.DefaultAveragingInterval, 784, 10), (spec.Workers, spec.Shards, spec.Mode, spec.AveragingInterval, spec.Model.FeatureCount, spec.Model.ClassCount));
    }

    [Fact]
    public void The_demo_runs_bsp_on_request_and_refuses_the_modes_it_does_not_demonstrate()
    {
        TrainingSpec bsp = DemoCommand.Spec("/d/train.manifest.json", "/d/test.manifest.json", epochs: 10, batchSize: 128, ConsistencyMode.Bsp);

        Assert.Equal(ConsistencyMode.Bsp, bsp.Mode);
        CliException asp = Assert.Throws<CliException>(() => DemoCommand.Spec("/d/train.manifest.json", "/d/test.manifest.json", 10, 128, ConsistencyMode.Asp));
        Assert.Contains("--mode", asp.Message, StringComparison.Ordinal);
        CliException interval = Assert.Throws<CliException>(() => DemoCommand.Spec("/d/train.manifest.json", "/d/test.manifest.json", 10, 128, ConsistencyMode.ModelAveraging, 0));
        Assert.Contains("--averaging-interval", interval.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Predictions_print_the_argmax_then_the_probabilities()
    {
        var writer = new StringWriter();

        ModelCommands.WritePredictions(writer, [0.1f, 0.7f, 0.2f, 0.6f, 0.3f, 0.1f], rows: 2);

        Assert.Equal(["1\t0.1,0.7,0.2", "0\t0.6,0.3,0.1"], writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Epoch_lines_and_status_lines_use_invariant_formatting()
    {
        var epoch = new EpochMetrics { Epoch = 2, TrainLoss = 0.51234, TestAccuracy = 0.84567, Seconds = 3.26 };
        Assert.Equal("epoch 2/10 train_loss=0.5123 test_accuracy=0.8457 seconds=3.3", JobProgressView.EpochLine(epoch, 10));
        var status = new JobStatus { JobId = "j", State = JobState.Completed, EpochsCompleted = 10, EpochsPlanned = 10, Workers = 2, Shards = 2, ModelName = "m", ModelVersion = 1 };
        Assert.Equal("job j completed epochs=10/10 workers=2 shards=2 retries=0 model=m:1", JobProgressView.Describe(status));
        Assert.Equal(
            "job j completed epochs=10/10 workers=2 shards=2 worker_generation=2 shard_generation=1 retries=0 model=m:1",
            JobProgressView.Describe(status with { WorkerGeneration = 2, ShardGeneration = 1 }));
    }

    [Theory]
    [InlineData("fashion", "fashion", 0)]
    [InlineData("fashion:3", "fashion", 3)]
    public void Model_references_parse(string text, string name, int version) =>
        Assert.Equal(new ModelReference(name, version), ModelReference.Parse(text, "--model"));

    [Theory]
    [InlineData("fashion:0")]
    [InlineData(":2")]
    [InlineData("a:b:c")]
    public void Bad_model_references_name_the_flag(string text) =>
        Assert.Equal(2, Assert.Throws<CliException>(() => ModelReference.Parse(text, "--model")).ExitCode);

    [Fact]
    public async Task The_executable_exits_3_without_a_cluster_and_prints_no_stack_trace()
    {
        (int code, string output, string error) = await Support.ChildProcess.RunCliAsync(["cluster"], new Dictionary<string, string?> { ["HOME"] = _directory.Path });

        Assert.True(code == 3, $"{output}{error}");
        Assert.StartsWith("error: no cluster is configured", error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Help_lists_every_command()
    {
        (int code, string output, _) = await RunAsync(["--help"]);

        Assert.Equal(0, code);
        foreach (string command in new[] { "train", "status", "watch", "pause", "resume", "cancel", "predict", "export", "cluster", "demo", "db" })
        {
            Assert.Matches($@"(?m)^\s+{command}\b", output);
        }

        Assert.Contains("Exit codes", output, StringComparison.Ordinal);
    }
}
