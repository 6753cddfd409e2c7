using Orleans.Serialization;

namespace OrleansML.Training.Tests.Client;

/// <summary><see cref="DataSpec.ClassLabels"/>: read from spec files, checked against the model before a job starts,
/// carried on the wire and compared by value (a job started again with the same spec attaches to it).</summary>
public sealed class ClassLabelSpecTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    private static TrainingSpec Spec(params string[]? labels) => new()
    {
        Model = new ModelSpec { Kind = ModelKind.SoftmaxRegression, FeatureCount = 4, ClassCount = 3 },
        Data = new DataSpec { TrainManifest = "/data/train.manifest.json", ClassLabels = labels },
    };

    [Fact]
    public void Labels_that_do_not_fit_the_model_are_reported_under_data_classLabels()
    {
        TrainingSpecValidator.Validate(Spec("a", "b", "c"), checkData: false);
        TrainingSpecValidator.Validate(Spec(null), checkData: false);

        TrainingSpecException error = Assert.Throws<TrainingSpecException>(() => TrainingSpecValidator.Validate(Spec("a", "b"), checkData: false));

        Assert.Equal("data.classLabels", error.Field);
        Assert.Contains("holds 2 label(s), but the SoftmaxRegression model has 3 class(es)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_spec_file_sets_the_labels_and_a_wrong_type_is_named()
    {
        TrainingSpec spec = TrainingSpecFile.Parse("""{ "data": { "trainManifest": "t.manifest.json", "classLabels": ["cat", "dog"] } }""", "s.json");
        Assert.Equal(["cat", "dog"], spec.Data.ClassLabels);

        TrainingSpecException error = Assert.Throws<TrainingSpecException>(() =>
            TrainingSpecFile.Parse("""{ "data": { "trainManifest": "t.manifest.json", "classLabels": ["cat", 2] } }""", "s.json"));
        Assert.Contains("data.classLabels[1]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_labels_cross_the_wire_and_specs_compare_them_by_value()
    {
        Serializer serializer = _services.GetRequiredService<Serializer>();
        TrainingSpec spec = Spec("setosa", "versicolor", "virginica");

        TrainingSpec back = serializer.Deserialize<TrainingSpec>(serializer.SerializeToArray(spec)) ?? throw new InvalidOperationException("decoded null");

        Assert.Equal(spec.Data.ClassLabels, back.Data.ClassLabels);
        Assert.Equal(spec, back);
        Assert.NotEqual(spec, Spec("setosa", "virginica", "versicolor"));
        Assert.NotEqual(spec, Spec(null));
        Assert.Equal(spec.GetHashCode(), back.GetHashCode());
    }

    public void Dispose() => _services.Dispose();
}
