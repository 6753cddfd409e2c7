namespace OrleansML.Training.Tests.Specs;

/// <summary>Spec files: a field left out takes its default, and every kind of bad field is named by its JSON path,
/// with its line, its value (cut to 80 characters) and the valid values.</summary>
public sealed class StrictSpecTests
{
    [Fact]
    public void A_spec_with_only_model_and_data_takes_every_other_default()
    {
        const string Json = """{ "model": { "kind": "Softmax" }, "data": { "trainManifest": "t.manifest.json" } }""";

        TrainingSpecException error = Assert.Throws<TrainingSpecException>(() => TrainingSpecFile.Parse(Json, "s.json"));
        Assert.Contains("SoftmaxRegression", error.Message, StringComparison.Ordinal);

        TrainingSpec spec = TrainingSpecFile.Parse(
            """{ "model": { "kind": "SoftmaxRegression", "featureCount": 4 }, "data": { "trainManifest": "t.manifest.json" } }""", "s.json");
        var defaults = new TrainingSpec();
        Assert.Equal(defaults with { Model = defaults.Model with { FeatureCount = 4 }, Data = new DataSpec { TrainManifest = "t.manifest.json" } }, spec);
    }

    [Fact]
    public void A_partial_optimizer_is_merged_over_the_default_optimizer()
    {
        TrainingSpec spec = TrainingSpecFile.Parse("""{ "optimizer": { "kind": "Adam", "learningRate": 0.004 } }""", "s.json");

        OptimizerSettings defaults = new TrainingSpec().Optimizer;
        Assert.Equal(OptimizerKind.Adam, spec.Optimizer.Kind);
        Assert.Equal(0.004f, spec.Optimizer.LearningRate);
        Assert.Equal(0.9f, spec.Optimizer.Beta1);
        Assert.Equal(defaults.L2Regularization, spec.Optimizer.L2Regularization);
        Assert.Equal(defaults.Schedule, spec.Optimizer.Schedule);
        Assert.Equal(new TrainingSpec().Epochs, spec.Epochs);
        Assert.Equal(new TrainingSpec().Workers, spec.Workers);
    }

    [Fact]
    public void Enum_names_are_case_insensitive_and_property_names_are_not()
    {
        TrainingSpec spec = TrainingSpecFile.Parse("""{ "mode": "ssp", "model": { "kind": "mlp" } }""", "s.json");
        Assert.Equal(ConsistencyMode.Ssp, spec.Mode);
        Assert.Equal(ModelKind.Mlp, spec.Model.Kind);

        TrainingSpecException error = Assert.Throws<TrainingSpecException>(() => TrainingSpecFile.Parse("""{ "Epochs": 3 }""", "s.json"));
        Assert.Equal("$.Epochs", error.Field);
        Assert.Contains("did you mean \"epochs\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_model_kind_shows_the_value_and_the_valid_kinds()
    {
        const string Json = "{\n  \"model\": {\n    \"kind\": \"Transformer\"\n  }\n}";

        TrainingSpecException error = Assert.Throws<TrainingSpecException>(() => TrainingSpecFile.Parse(Json, "m.json"));

        Assert.Equal("$.model.kind", error.Field);
        Assert.Contains("'m.json' line 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"Transformer\"", error.Message, StringComparison.Ordinal);
        foreach (string kind in Enum.GetNames<ModelKind>())
        {
            Assert.Contains(kind, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void An_unknown_field_lists_the_known_fields_of_its_object()
    {
        TrainingSpecException error = Assert.Throws<TrainingSpecException>(() =>
            TrainingSpecFile.Parse("""{ "optimizer": { "learningrat": 0.1 } }""", "o.json"));

        Assert.Equal("$.optimizer.learningrat", error.Field);
        Assert.Contains("learningRate", error.Message, StringComparison.Ordinal);
        Assert.Contains("l2Regularization", error.Message, StringComparison.Ordinal);
        Assert.Contains("schedule", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_type_is_reported_under_its_own_path_with_the_value_cut_to_80_characters()
    {
        string longText = new('x', 30_000);
        string json = "{ \"optimizer\": { \"kind\": \"Adam\", \"learningRate\": \"" + longText + "\" } }";

        TrainingSpecException error = Assert.Throws<TrainingSpecException>(() => TrainingSpecFile.Parse(json, "lr.json"));

        Assert.Equal("$.optimizer.learningRate", error.Field);
        Assert.Contains("is not a number", error.Message, StringComparison.Ordinal);
        Assert.Contains("...", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length < 300, $"the message is {error.Message.Length} characters long");
    }

    [Fact]
    public void An_element_of_a_list_is_named_by_its_index()
    {
        const string Json = "{\n \"model\": {\n  \"hiddenLayers\": [\n   64,\n   \"wide\"\n  ]\n }\n}";

        TrainingSpecException error = Assert.Throws<TrainingSpecException>(() => TrainingSpecFile.Parse(Json, "h.json"));

        Assert.Equal("$.model.hiddenLayers[1]", error.Field);
        Assert.Contains("line 5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_repeated_field_a_null_object_and_broken_json_are_errors()
    {
        Assert.Equal("$.epochs", Assert.Throws<TrainingSpecException>(() => TrainingSpecFile.Parse("""{ "epochs": 2, "epochs": 3 }""", "d.json")).Field);
        Assert.Equal("$.optimizer", Assert.Throws<TrainingSpecException>(() => TrainingSpecFile.Parse("""{ "optimizer": null }""", "n.json")).Field);
        TrainingSpecException broken = Assert.Throws<TrainingSpecException>(() => TrainingSpecFile.Parse("{\n \"epochs\": 2,\n \"seed\": }", "b.json"));
        Assert.Contains("'b.json' line 3", broken.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", broken.Message, StringComparison.Ordinal);
        Assert.Contains("empty", Assert.Throws<TrainingSpecException>(() => TrainingSpecFile.Parse("  \n", "e.json")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_spec_round_trips_through_json()
    {
        var spec = new TrainingSpec
        {
            JobId = "round-trip",
            Model = new ModelSpec { Kind = ModelKind.Mlp, FeatureCount = 20, ClassCount = 3, HiddenLayers = [16, 8] },
            Data = new DataSpec { TrainManifest = "/data/train.manifest.json", TestManifest = "/data/test.manifest.json" },
            Optimizer = new OptimizerSettings { Kind = OptimizerKind.Adam, LearningRate = 0.003f },
            Mode = ConsistencyMode.Ssp,
            Workers = 4,
            Staleness = 3,
        };

        string json = TrainingSpecFile.ToJson(spec);
        TrainingSpec back = TrainingSpecFile.Parse(json, "spec.json");

        Assert.Equal(spec, back);
        Assert.Contains("\"mode\": \"Ssp\"", json, StringComparison.Ordinal);
        Assert.Equal([16, 8], back.Model.HiddenLayers);
    }

    [Theory]
    [InlineData("{\n  \"workers\": 2,\n  \"model\": {\n    \"kind\": \"Mlp\",\n    \"featurs\": 3\n  }\n}", "$.model.featurs", "'bad.json' line 5")]
    [InlineData("{\n  \"epochs\": 3,\n  \"workers\": \"two\"\n}", "$.workers", "'bad.json' line 3")]
    public void An_unknown_field_or_a_wrong_type_is_named_with_its_line(string json, string field, string line)
    {
        TrainingSpecException error = Assert.Throws<TrainingSpecException>(() => TrainingSpecFile.Parse(json, "bad.json"));

        Assert.Equal(field, error.Field);
        Assert.Contains(line, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_a_spec_error()
    {
        TrainingSpecException error = Assert.Throws<TrainingSpecException>(() => TrainingSpecFile.Load("/nonexistent/spec.json"));
        Assert.Equal("spec", error.Field);
        Assert.Contains("/nonexistent/spec.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_directory_given_as_a_spec_says_so()
    {
        TrainingSpecException error = Assert.Throws<TrainingSpecException>(() => TrainingSpecFile.Load(Path.GetTempPath()));
        Assert.Contains("is a directory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_learning_rate_is_blamed_on_the_learning_rate_by_the_validator()
    {
        TrainingSpec spec = TrainingSpecFile.Parse("""{ "model": { "featureCount": 4 }, "optimizer": { "learningRate": -1 } }""", "v.json");

        TrainingSpecException error = Assert.Throws<TrainingSpecException>(() => TrainingSpecValidator.Validate(spec, checkData: false));

        Assert.Equal("optimizer.learningRate", error.Field);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("-0.1")]
    [InlineData("1.5")]
    public void An_averaging_momentum_outside_0_to_1_is_blamed_on_that_field(string value)
    {
        TrainingSpec spec = TrainingSpecFile.Parse($$"""{ "model": { "featureCount": 4 }, "mode": "ModelAveraging", "averagingMomentum": {{value}} }""", "m.json");

        TrainingSpecException error = Assert.Throws<TrainingSpecException>(() => TrainingSpecValidator.Validate(spec, checkData: false));

        Assert.Equal("averagingMomentum", error.Field);
        Assert.Contains("[0, 1)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_field_survives_a_round_trip_through_the_writer_and_the_strict_reader()
    {
        var spec = new TrainingSpec
        {
            JobId = "all-fields", ModelName = "m", TargetAccuracy = 0.9, TargetLoss = 0.2, LbfgsL2Regularization = 0.01,
            Model = new ModelSpec { Kind = ModelKind.FactorizationMachine, FeatureCount = 9, FactorCount = 3, FactorizationTask = ModelTask.Regression },
            Optimizer = new OptimizerSettings { Kind = OptimizerKind.Momentum, Nesterov = true, Schedule = new LearningRateScheduleSettings { Kind = LearningRateScheduleKind.Cosine, WarmupSteps = 5 } },
            Compression = TensorCompression.Float16, Elastic = false, CheckpointEverySteps = 7, AveragingMomentum = 0.75,
        };

        Assert.Equal(spec, TrainingSpecFile.Parse(TrainingSpecFile.ToJson(spec), "all.json"));
    }
}
