namespace OrleansML.Training.Tests.Client;

public sealed class TrainingSpecFileTests
{
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

    [Fact]
    public void An_unknown_field_is_named_with_its_line()
    {
        const string Json = "{\n  \"workers\": 2,\n  \"model\": {\n    \"kind\": \"Mlp\",\n    \"featurs\": 3\n  }\n}";

        TrainingSpecException error = Assert.Throws<TrainingSpecException>(() => TrainingSpecFile.Parse(Json, "bad.json"));

        Assert.Equal("$.model.featurs", error.Field);
        Assert.Contains("'bad.json' line 5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_type_is_named_with_its_line()
    {
        const string Json = "{\n  \"epochs\": 3,\n  \"workers\": \"two\"\n}";

        TrainingSpecException error = Assert.Throws<TrainingSpecException>(() => TrainingSpecFile.Parse(Json, "typed.json"));

        Assert.Equal("$.workers", error.Field);
        Assert.Contains("'typed.json' line 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_a_spec_error()
    {
        TrainingSpecException error = Assert.Throws<TrainingSpecException>(() => TrainingSpecFile.Load("/nonexistent/spec.json"));
        Assert.Equal("spec", error.Field);
        Assert.Contains("/nonexistent/spec.json", error.Message, StringComparison.Ordinal);
    }
}
