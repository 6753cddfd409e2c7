using System.Text;
using Microsoft.ML.OnnxRuntime;
using OrleansML.Cli;
using OrleansML.Learning.Data.Import;
using OrleansML.Learning.Storage;
using OrleansML.Training.Tests.Client.Support;
using TrainingData = OrleansML.Cli.TrainingData;

namespace OrleansML.Training.Tests.Client;

/// <summary>A CSV whose labels are words: <c>train</c> keeps them with the model, <c>predict</c> prints them, and
/// the ONNX export carries them.</summary>
public sealed class CliClassLabelTests(ITestOutputHelper log) : IDisposable
{
    private static readonly string[] s_species = ["setosa", "versicolor", "virginica"];
    private readonly string _directory = Directory.CreateTempSubdirectory("orleansml-cli-labels-").FullName;

    [Fact]
    public async Task Predict_prints_the_labels_of_the_training_data()
    {
        string train = Path.Combine(_directory, "flowers.csv");
        var text = new StringBuilder("a,b,c,d,species\n");
        foreach ((float[] features, int label) in Blobs.Rows(240, seed: 4))
        {
            text.Append(string.Join(',', features.Select(Blobs.Text))).Append(',').Append(s_species[label]).Append('\n');
        }

        await File.WriteAllTextAsync(train, text.ToString());
        (int code, string output, string error) = await RunAsync(["train", "--train", train, "--model-name", "flowers", "--epochs", "6", "--silos", "1"]);
        Assert.True(code == 0, $"train exit {code}; out: {output}; err: {error}");
        Assert.Contains("labels setosa->0, versicolor->1, virginica->2", output, StringComparison.Ordinal);

        List<(float[] Features, int Label)> rows = Blobs.Rows(30, seed: 5);
        string input = Path.Combine(_directory, "rows.csv");
        await File.WriteAllLinesAsync(input, rows.Select(r => string.Join(',', r.Features.Select(Blobs.Text))));
        (code, output, error) = await RunAsync(["predict", "--model", "flowers", "--input", input]);
        Assert.True(code == 0, $"predict exit {code}; err: {error}");

        string[] predicted = [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('\t')[0].Trim())];
        Assert.Equal(30, predicted.Length);
        Assert.All(predicted, label => Assert.Contains(label, s_species));
        int right = predicted.Zip(rows).Count(pair => pair.First == s_species[pair.Second.Label]);
        Assert.True(right >= 27, $"only {right} of 30 well-separated rows got their species: {string.Join(' ', predicted)}");

        OrleansMLModel model = OrleansMLModel.Load("flowers", new LocalDirectoryBlobStore(Path.Combine(_directory, "state", OrleansMLModel.LocalBlobFolder)));
        Assert.Equal(s_species, model.ClassLabels);
        Assert.Equal(s_species[rows[0].Label], model.PredictLabel(rows[0].Features));

        string onnx = Path.Combine(_directory, "flowers.onnx");
        (code, _, error) = await RunAsync(["export", "--model", "flowers", "--output", onnx, "--format", "onnx"]);
        Assert.True(code == 0, $"export exit {code}; err: {error}");
        using var session = new InferenceSession(onnx);
        Assert.Equal("[\"setosa\",\"versicolor\",\"virginica\"]", session.ModelMetadata.CustomMetadataMap["orleansml.class_labels"]);
    }

    [Fact]
    public void A_binary_model_with_labels_prints_the_label_of_its_probability_and_one_without_prints_the_probability_alone()
    {
        var withLabels = new StringWriter();
        ModelCommands.WritePredictions(withLabels, [0.9f, 0.2f], rows: 2, ["no", "yes"]);
        var plain = new StringWriter();
        ModelCommands.WritePredictions(plain, [0.9f, 0.2f], rows: 2);

        Assert.Equal(["yes\t0.9", "no\t0.2"], withLabels.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal(["0.9", "0.2"], plain.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public void Labels_go_with_the_model_only_when_they_name_its_classes()
    {
        var schema = new DatasetSchema(DataFileFormat.Csv, ModelInput.Dense, 4, ModelTask.MulticlassClassification, 3, s_species, null, "species");
        var softmax = new ModelSpec { Kind = ModelKind.SoftmaxRegression, FeatureCount = 4, ClassCount = 3 };

        Assert.Equal(s_species, TrainingData.LabelsFor(softmax, schema));
        Assert.Null(TrainingData.LabelsFor(softmax with { ClassCount = 5 }, schema)); // the user chose another class count
        Assert.Null(TrainingData.LabelsFor(softmax, schema with { ClassLabels = ["0", "1", "2"] })); // the ids are the labels
        Assert.Null(TrainingData.LabelsFor(softmax with { FeatureCount = 0 }, schema)); // invalid: the validator reports it
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private Task<(int Code, string Output, string Error)> RunAsync(string[] args) => CliRuns.InDirectoryAsync(_directory, args, log);
}
