using System.Buffers.Binary;
using System.Text;

namespace OrleansML.Learning.Tests.Models.Files;

public sealed class ModelFileTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "omlmodel-" + Guid.NewGuid().ToString("N"));

    public ModelFileTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static ModelFileHeader Header(ModelSpec spec) => new()
    {
        Name = "fashion",
        Version = 3,
        Model = spec,
        CreatedUtc = new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero),
        Metrics = new Dictionary<string, double> { ["accuracy"] = 0.848 },
    };

    [Theory]
    [InlineData(ModelKind.SoftmaxRegression)]
    [InlineData(ModelKind.Mlp)]
    [InlineData(ModelKind.FactorizationMachine)]
    [InlineData(ModelKind.HashedLogisticRegression)]
    public void Round_trip_keeps_header_and_every_parameter_bit(ModelKind kind)
    {
        var spec = new ModelSpec { Kind = kind, FeatureCount = 20, ClassCount = 3, HiddenLayers = [7, 5], HashBits = 6, FactorCount = 4 };
        IModel model = spec.Create();
        var parameters = new float[model.ParameterCount];
        model.InitializeParameters(parameters, seed: 3);
        var random = new Random(1);
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] += random.NextSingle() - 0.5f;
        }

        string path = Path.Combine(_directory, "m" + ModelFile.Extension);
        ModelFile.Write(path, Header(spec), parameters);
        SavedModel saved = ModelFile.Read(path);

        Assert.Equal(spec, saved.Header.Model);
        Assert.Equal("fashion", saved.Header.Name);
        Assert.Equal(3, saved.Header.Version);
        Assert.Equal(0.848, saved.Header.Metrics["accuracy"]);
        Assert.Equal(parameters, saved.Parameters);
        Assert.Equal(model.ParameterCount, saved.CreateModel().ParameterCount);
    }

    [Fact]
    public void Layout_is_magic_length_json_padding_then_raw_little_endian_floats()
    {
        var spec = new ModelSpec { Kind = ModelKind.LinearRegression, FeatureCount = 2 };
        byte[] bytes = ModelFile.Serialize(Header(spec), [1.5f, -2f, 0.25f]);

        Assert.Equal("OMLMODEL", Encoding.ASCII.GetString(bytes, 0, 8));
        int headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        string json = Encoding.UTF8.GetString(bytes, 12, headerLength);
        Assert.Contains("\"kind\": \"LinearRegression\"", json, StringComparison.Ordinal);
        int dataStart = (12 + headerLength + 63) / 64 * 64;
        Assert.Equal(dataStart + 12, bytes.Length);
        Assert.Equal(1.5f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(dataStart)));
        Assert.Equal(0.25f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(dataStart + 8)));
    }

    [Fact]
    public void Corrupt_truncated_and_foreign_files_are_errors_with_offsets()
    {
        var spec = new ModelSpec { Kind = ModelKind.LogisticRegression, FeatureCount = 4 };
        byte[] bytes = ModelFile.Serialize(Header(spec), [1, 2, 3, 4, 5]);

        byte[] flipped = (byte[])bytes.Clone();
        flipped[^3] ^= 0x40;
        Assert.Contains("checksum", Assert.Throws<DataFormatException>(() => ModelFile.Deserialize(flipped, "m")).Reason, StringComparison.Ordinal);

        DataFormatException truncated = Assert.Throws<DataFormatException>(() => ModelFile.Deserialize(bytes.AsSpan(0, bytes.Length - 4), "m"));
        Assert.Contains("truncated", truncated.Reason, StringComparison.Ordinal);

        DataFormatException foreign = Assert.Throws<DataFormatException>(() => ModelFile.Deserialize("PK\u0003\u0004 not a model at all"u8, "archive.zip"));
        Assert.Equal("archive.zip", foreign.FilePath);
        Assert.Equal(0, foreign.Line);

        Assert.Throws<DataFormatException>(() => ModelFile.Deserialize(bytes.AsSpan(0, 10), "m"));
    }

    [Fact]
    public void Wrong_parameter_count_is_refused_when_writing()
    {
        var spec = new ModelSpec { Kind = ModelKind.SoftmaxRegression, FeatureCount = 4, ClassCount = 3 };
        var error = Assert.Throws<ArgumentException>(() => ModelFile.Serialize(Header(spec), new float[5]));
        Assert.Contains("15 parameters", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ModelKind.SoftmaxRegression, 0, 10, "model.featureCount must be at least 1, got 0")]
    [InlineData(ModelKind.SoftmaxRegression, 784, 1, "model.classCount must be at least 2, got 1")]
    [InlineData(ModelKind.Mlp, 784, 10, "model.hiddenLayers[1] must be at least 1, got 0")]
    public void Spec_validation_names_the_field(ModelKind kind, int features, int classes, string message)
    {
        var spec = new ModelSpec { Kind = kind, FeatureCount = features, ClassCount = classes, HiddenLayers = [16, 0] };
        Assert.StartsWith(message, Assert.Throws<ArgumentException>(() => spec.Validate()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Spec_builds_the_documented_parameter_counts()
    {
        Assert.Equal(7850, new ModelSpec { Kind = ModelKind.SoftmaxRegression, FeatureCount = 784 }.Create().ParameterCount);
        Assert.Equal(784 * 128 + 128 + 128 * 10 + 10, new ModelSpec { Kind = ModelKind.Mlp, FeatureCount = 784 }.Create().ParameterCount);
        Assert.Equal((1 << 10) + 1, new ModelSpec { Kind = ModelKind.HashedLogisticRegression, HashBits = 10 }.Create().ParameterCount);
        Assert.Equal(1 + 100 * 9, new ModelSpec { Kind = ModelKind.FactorizationMachine, FeatureCount = 100 }.Create().ParameterCount);
    }
}
