using System.Text;
using OrleansML.Learning.Data;
using OrleansML.Learning.Models.Files;
using OrleansML.Learning.Models.Onnx;
using OrleansML.Models;

namespace OrleansML.Cli;

/// <summary><c>predict</c> and <c>export</c>: a model file, or a saved model by <c>name[:version]</c> on the configured
/// cluster, or with none configured in the local model store (read in this process: no cluster is started).</summary>
internal static class ModelCommands
{
    private const string ModelDescription = "The model: name or name:version (default: the newest version), or a model file (.omlmodel).";

    public static Command CreatePredict(CliContext context)
    {
        var model = new Option<string>("--model") { Description = ModelDescription, Required = true };
        var input = new Option<string>("--input") { Description = "Rows to predict: a .csv file or a LIBSVM file.", Required = true };
        var command = new Command("predict", "Predict rows with a saved model: on the cluster when one is configured, else in this process from the local model store or a model file.") { model, input };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string modelText = parse.GetValue(model)!;
            string inputPath = parse.GetValue(input)!;
            if (!LocalModels.IsFile(modelText) && context.Cluster.Resolve(parse, context.Environment) is not null)
            {
                return await PredictOnClusterAsync(context, parse, ModelReference.Parse(modelText, "--model"), inputPath, cancellationToken);
            }

            (OrleansMLModel local, _) = await LocalModels.ResolveAsync(context, parse, modelText, cancellationToken);
            (float[] outputs, int rows) = PredictLocally(local, inputPath, cancellationToken);
            WritePredictions(context.Output, outputs, rows, local.ClassLabels);
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command CreateExport(CliContext context)
    {
        var model = new Option<string>("--model") { Description = ModelDescription, Required = true };
        var output = new Option<string>("--output") { Description = "The file to write.", Required = true };
        var format = new Option<string>("--format")
        {
            Description = "omlmodel (OrleansML's portable model file, docs/model-format.md) or onnx (linear, logistic, softmax, MLP and factorization-machine models).",
            DefaultValueFactory = _ => "omlmodel",
        };
        format.AcceptOnlyFromAmong("omlmodel", "onnx");
        var command = new Command("export", "Write a saved model to a portable model file or an ONNX model.") { model, output, format };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string modelText = parse.GetValue(model)!;
            string path = parse.GetValue(output)!;
            bool onnx = parse.GetValue(format) == "onnx";
            SavedModel saved;
            byte[] file;
            if (!LocalModels.IsFile(modelText) && context.Cluster.Resolve(parse, context.Environment) is not null)
            {
                await using ClusterSession session = await context.ConnectAsync(parse, cancellationToken);
                (saved, file) = await DownloadAsync(session, ModelReference.Parse(modelText, "--model"), cancellationToken);
            }
            else
            {
                (OrleansMLModel local, file) = await LocalModels.ResolveAsync(context, parse, modelText, cancellationToken);
                saved = local.Saved;
            }

            if (onnx)
            {
                file = OnnxExport.Supports(saved.Header.Model.Kind)
                    ? OnnxExport.Serialize(saved)
                    : throw new CliException(ExitCodes.BadUsage, $"--format onnx: {saved.Header.Name}:{saved.Header.Version} is a {saved.Header.Model.Kind}, which has no ONNX export (linear, logistic, softmax, MLP and factorization-machine models have one).");
            }

            await WriteAtomicallyAsync(path, file, cancellationToken);
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"exported {saved.Header.Name}:{saved.Header.Version} ({saved.Header.Model.Kind}, {saved.Parameters.Length} parameters) to {path}{(onnx ? " as ONNX" : "")}"));
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<int> PredictOnClusterAsync(CliContext context, ParseResult parse, ModelReference reference, string inputPath, CancellationToken cancellationToken)
    {
        await using ClusterSession session = await context.ConnectAsync(parse, cancellationToken);
        ModelInfo info = await FindVersionAsync(session, reference, cancellationToken);
        if (info.Model.Create().Input != ModelInput.Dense)
        {
            // Checked before reading: densifying rows for a hashed model (2^hashBits wide) could exhaust memory.
            throw new CliException(ExitCodes.BadUsage,
                $"--model: {info.Name}:{info.Version} is a {info.Model.Kind}, which reads sparse input; 'predict' on a cluster serves dense models. " +
                "Use 'orleansml export' and predict locally with the model file.");
        }

        (float[] features, int rows) = PredictionInput.Read(inputPath, info.Model.FeatureCount, cancellationToken);
        float[] outputs = await session.Client.PredictAsync(info.Name, info.Version, features, rows, cancellationToken);
        WritePredictions(context.Output, outputs, rows, info.ClassLabels);
        return ExitCodes.Success;
    }

    /// <summary>Dense models read CSV or LIBSVM rows; sparse ones (hashed logistic, factorization machines) LIBSVM rows
    /// whose ids lie below the model's width, never densified.</summary>
    private static (float[] Outputs, int Rows) PredictLocally(OrleansMLModel model, string inputPath, CancellationToken cancellationToken)
    {
        if (model.Input == ModelInput.Dense)
        {
            (float[] features, int rows) = PredictionInput.Read(inputPath, model.FeatureCount, cancellationToken);
            return (model.PredictBatch(features, rows), rows);
        }

        SparseDataset<int> sparse = PredictionInput.ReadSparse(inputPath, model.FeatureCount, cancellationToken);
        return (model.PredictBatch(sparse), sparse.RowCount);
    }

    /// <summary>Writes through a temporary file beside the target and a rename, so a reader never sees half a model.</summary>
    private static async Task WriteAtomicallyAsync(string path, byte[] file, CancellationToken cancellationToken)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new CliException(ExitCodes.BadUsage, $"--output: '{path}' is a directory; name the model file to write.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temporary = full + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            await File.WriteAllBytesAsync(temporary, file, cancellationToken);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>The registry's entry for <paramref name="reference"/>; a name or version the registry does not have is bad usage (exit 2).</summary>
    private static async Task<ModelInfo> FindVersionAsync(ClusterSession session, ModelReference reference, CancellationToken cancellationToken)
    {
        ModelInfo[] versions = await session.Client.ListModelVersionsAsync(reference.Name, cancellationToken);
        return (reference.Version == 0 ? versions.LastOrDefault() : versions.FirstOrDefault(v => v.Version == reference.Version))
            ?? throw new CliException(ExitCodes.BadUsage, $"--model: '{reference}' is not a saved model version in the {session.Description} ({(versions.Length == 0 ? "no versions" : $"versions {string.Join(", ", versions.Select(v => v.Version))}")}).");
    }

    private static async Task<(SavedModel Saved, byte[] File)> DownloadAsync(ClusterSession session, ModelReference reference, CancellationToken cancellationToken)
    {
        await FindVersionAsync(session, reference, cancellationToken);
        byte[] file = await session.Client.DownloadModelFileAsync(reference.Name, reference.Version, cancellationToken);
        return (ModelFile.Deserialize(file, reference.ToString()), file);
    }

    /// <summary>
    /// One line per row: the outputs, and for several outputs (class probabilities) the argmax first. A model saved with
    /// its training labels shows the predicted label first instead of the id, a binary one too (P(y=1) above 0.5 is the
    /// second label), so the user reads back the labels of their data.
    /// </summary>
    internal static void WritePredictions(TextWriter writer, float[] outputs, int rows, IReadOnlyList<string>? classLabels = null)
    {
        int perRow = outputs.Length / rows;
        var line = new StringBuilder();
        for (int row = 0; row < rows; row++)
        {
            ReadOnlySpan<float> values = outputs.AsSpan(row * perRow, perRow);
            line.Clear();
            if (perRow > 1 || classLabels is not null)
            {
                int best = 0;
                for (int k = 1; k < values.Length; k++)
                {
                    best = values[k] > values[best] ? k : best;
                }

                best = perRow == 1 ? (values[0] > 0.5f ? 1 : 0) : best;
                line.Append(classLabels is null ? best.ToString(CultureInfo.InvariantCulture) : classLabels[best]).Append('\t');
            }

            for (int k = 0; k < values.Length; k++)
            {
                line.Append(k == 0 ? "" : ",").Append(values[k].ToString("G6", CultureInfo.InvariantCulture));
            }

            writer.WriteLine(line.ToString());
        }
    }
}
