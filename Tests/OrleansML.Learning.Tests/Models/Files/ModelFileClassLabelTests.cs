using System.Buffers.Binary;
using System.Text;
using OrleansML.Learning.Models.Store;

namespace OrleansML.Learning.Tests.Models.Files;

/// <summary>The training data's class labels in the model file header: written, read back, absent in older files, and
/// checked against the model.</summary>
public sealed class ModelFileClassLabelTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("omlmodel-labels-").FullName;

    private static readonly ModelSpec s_softmax = new() { Kind = ModelKind.SoftmaxRegression, FeatureCount = 2, ClassCount = 3 };

    private static ModelFileHeader Header(ModelSpec spec, IReadOnlyList<string>? labels) => new() { Name = "iris", Model = spec, ClassLabels = labels };

    private static float[] Parameters(ModelSpec spec)
    {
        var parameters = new float[spec.Create().ParameterCount];
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] = i % 5 - 2f;
        }

        return parameters;
    }

    [Fact]
    public void Labels_round_trip_in_class_id_order()
    {
        byte[] file = ModelFile.Serialize(Header(s_softmax, ["setosa", "versicolor", "virginica"]), Parameters(s_softmax));

        SavedModel saved = ModelFile.Deserialize(file, "iris.omlmodel");

        Assert.Equal(["setosa", "versicolor", "virginica"], saved.Header.ClassLabels);
        Assert.Contains("\"classLabels\"", HeaderJson(file), StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_without_labels_has_no_field_and_reads_as_ids()
    {
        byte[] file = ModelFile.Serialize(Header(s_softmax, null), Parameters(s_softmax));

        Assert.DoesNotContain("classLabels", HeaderJson(file), StringComparison.Ordinal);
        OrleansMLModel model = OrleansMLModel.From(ModelFile.Deserialize(file, "old.omlmodel"));
        Assert.Null(model.ClassLabels);
        Assert.Equal("2", model.ClassLabel(2));
    }

    [Fact]
    public void Labels_that_do_not_fit_the_model_are_refused_on_write_and_on_read()
    {
        ArgumentException write = Assert.Throws<ArgumentException>(() => ModelFile.Serialize(Header(s_softmax, ["a", "b"]), Parameters(s_softmax)));
        Assert.Contains("2 label(s), but the SoftmaxRegression model has 3 class(es)", write.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ModelFile.Serialize(Header(s_softmax, ["a", "b", "a"]), Parameters(s_softmax)));

        // A header edited by hand: the field is checked when the file is read, and the error names the header.
        byte[] file = ModelFile.Serialize(Header(s_softmax, ["a", "b", "c"]), Parameters(s_softmax));
        byte[] edited = ReplaceInHeader(file, "\"c\"", "\"a\"");
        DataFormatException read = Assert.Throws<DataFormatException>(() => ModelFile.Deserialize(edited, "edited.omlmodel"));
        Assert.Contains("edited.omlmodel", read.Message, StringComparison.Ordinal);
        Assert.Contains("the same label more than once", read.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_regression_has_no_labels_and_a_binary_model_has_two()
    {
        var linear = new ModelSpec { Kind = ModelKind.LinearRegression, FeatureCount = 2 };
        var logistic = new ModelSpec { Kind = ModelKind.LogisticRegression, FeatureCount = 2 };

        Assert.NotNull(ModelFileHeader.ClassLabelsProblem(linear, ["x"]));
        Assert.Null(ModelFileHeader.ClassLabelsProblem(logistic, ["-1", "1"]));
        Assert.NotNull(ModelFileHeader.ClassLabelsProblem(logistic, ["a", "b", "c"]));
    }

    [Fact]
    public void Only_labels_other_than_the_ids_are_worth_recording()
    {
        Assert.Null(ModelFileHeader.MeaningfulLabels(["0", "1", "2"]));
        Assert.Null(ModelFileHeader.MeaningfulLabels([]));
        Assert.Equal(["-1", "1"], ModelFileHeader.MeaningfulLabels(["-1", "1"]));
        Assert.Equal(["1", "2", "3"], ModelFileHeader.MeaningfulLabels(["1", "2", "3"]));
        Assert.Equal(["cat", "dog"], ModelFileHeader.MeaningfulLabels(["cat", "dog"]));
    }

    [Fact]
    public async Task The_store_saves_the_labels_and_the_loaded_model_names_its_predictions()
    {
        var logistic = new ModelSpec { Kind = ModelKind.LogisticRegression, FeatureCount = 2 };
        var store = new ModelStore(new LocalDirectoryBlobStore(_directory));
        float[] weights = [4f, 0f, 0f]; // P(y=1) = sigmoid(4 x0): the sign of the first feature decides

        await store.SaveAsync("churn", logistic, weights, classLabels: ["stays", "leaves"]);
        await store.SaveAsync("plain", logistic, weights, classLabels: ["0", "1"]);
        OrleansMLModel model = await OrleansMLModel.LoadAsync(store, "churn");

        Assert.Equal(["stays", "leaves"], model.ClassLabels);
        Assert.Equal("leaves", model.PredictLabel([1f, 0f]));
        Assert.Equal("stays", model.PredictLabel([-1f, 0f]));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.ClassLabel(2));
        Assert.Null((await OrleansMLModel.LoadAsync(store, "plain")).ClassLabels);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string HeaderJson(byte[] file) => Encoding.UTF8.GetString(file, 12, (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(8)));

    private static byte[] ReplaceInHeader(byte[] file, string from, string to)
    {
        Assert.Equal(from.Length, to.Length);
        int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(8));
        string json = Encoding.UTF8.GetString(file, 12, length);
        int at = json.LastIndexOf(from, StringComparison.Ordinal);
        Assert.True(at >= 0);
        byte[] copy = (byte[])file.Clone();
        Encoding.UTF8.GetBytes(json[..at] + to + json[(at + from.Length)..]).CopyTo(copy, 12);
        return copy;
    }
}
