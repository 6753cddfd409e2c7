namespace OrleansML.Training.Tests.Jobs;

/// <summary>The one parser of a DataSpec's dataset references, and what the client-side validator makes of them.</summary>
public sealed class DatasetReferenceTests
{
    [Fact]
    public void A_blob_reference_names_the_manifest_blob_its_folder_and_the_dataset()
    {
        DatasetReference reference = DatasetReference.Parse("blob:datasets/clicks/v2/train.manifest.json");

        Assert.True(reference.IsBlob);
        Assert.Equal("datasets/clicks/v2/train.manifest.json", reference.Manifest);
        Assert.Equal("datasets/clicks/v2", reference.Folder);
        Assert.Equal("train", reference.Name);
        Assert.Equal("", DatasetReference.Parse("blob:top.manifest.json").Folder);
    }

    [Fact]
    public void A_local_path_is_made_absolute()
    {
        DatasetReference reference = DatasetReference.Parse("data/train.manifest.json");

        Assert.False(reference.IsBlob);
        Assert.Equal(Path.GetFullPath("data"), reference.Folder);
        Assert.Equal("train", reference.Name);
        Assert.Equal(Path.GetFullPath("data/train.manifest.json"), reference.Manifest);
    }

    [Theory]
    [InlineData("blob:datasets/x/train.json", "must end in '.manifest.json'")]
    [InlineData("blob:datasets/x/.manifest.json", "must end in '.manifest.json'")]
    [InlineData("blob:datasets/../train.manifest.json", "is not valid")]
    [InlineData("blob:/datasets/train.manifest.json", "is not valid")]
    [InlineData("blob:", "is not valid")]
    public void A_bad_blob_reference_is_refused_saying_why(string text, string why)
    {
        var error = Assert.Throws<ArgumentException>(() => DatasetReference.Parse(text));

        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_client_side_validator_checks_a_blob_references_syntax_only()
    {
        TrainingSpec spec = new()
        {
            JobId = "blob-syntax",
            Model = new Learning.Models.ModelSpec { Kind = Learning.Models.ModelKind.LinearRegression, FeatureCount = 4 },
            Data = new DataSpec { TrainManifest = "blob:datasets/nowhere/train.manifest.json", TestManifest = "blob:datasets/nowhere/test.manifest.json" },
        };

        TrainingSpecValidator.Validate(spec); // nothing reads the (absent) blobs here

        var error = Assert.Throws<TrainingSpecException>(() => TrainingSpecValidator.Validate(spec with { Data = spec.Data with { TestManifest = "blob:datasets/x/test.csv" } }));
        Assert.Equal("data.testManifest", error.Field);
        Assert.Contains("must end in '.manifest.json'", error.Message, StringComparison.Ordinal);
    }
}
