using System.CommandLine;
using System.Globalization;
using System.Text;
using OrleansML.Client;
using OrleansML.Learning.Models;
using OrleansML.Learning.Models.Files;
using OrleansML.Models;

namespace OrleansML.Cli;

/// <summary><c>predict</c> and <c>export</c>: saved models on the configured cluster, or with none configured, the
/// models the embedded cluster saved in the data directory (read through one embedded silo).</summary>
internal static class ModelCommands
{
    public static Command CreatePredict(CliContext context)
    {
        var model = new Option<string>("--model") { Description = "The model, name or name:version (default: newest).", Required = true };
        var input = new Option<string>("--input") { Description = "Rows to predict: a .csv file or a LIBSVM file.", Required = true };
        var command = new Command("predict", "Predict rows with a saved model, on the cluster.") { model, input };
        command.SetAction(async (parse, cancellationToken) =>
        {
            ModelReference reference = ModelReference.Parse(parse.GetValue(model)!, "--model");
            await using ClusterSession session = await context.ConnectOrEmbedAsync(parse, silos: 1, context.Error, cancellationToken);
            OrleansMLClient client = session.Client;
            ModelInfo[] versions = await client.ListModelVersionsAsync(reference.Name, cancellationToken);
            ModelInfo info = (reference.Version == 0 ? versions.LastOrDefault() : versions.FirstOrDefault(v => v.Version == reference.Version))
                ?? throw new CliException(ExitCodes.BadUsage, $"--model: '{reference}' is not a saved model version in the {session.Description} ({(versions.Length == 0 ? "no versions" : $"versions 1 to {versions.Length}")}).");
            if (info.Model.Create().Input != ModelInput.Dense)
            {
                // Checked before reading: densifying rows for a hashed model (2^hashBits wide) could exhaust memory.
                throw new CliException(ExitCodes.BadUsage,
                    $"--model: {info.Name}:{info.Version} is a {info.Model.Kind}, which reads sparse input; 'predict' serves dense models. " +
                    "Use 'orleansml export' and predict locally with the model file.");
            }

            (float[] features, int rows) = PredictionInput.Read(parse.GetValue(input)!, info.Model.FeatureCount, cancellationToken);
            float[] outputs = await client.PredictAsync(info.Name, info.Version, features, rows, cancellationToken);
            WritePredictions(context.Output, outputs, rows);
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command CreateExport(CliContext context)
    {
        var model = new Option<string>("--model") { Description = "The model, name or name:version (default: newest).", Required = true };
        var output = new Option<string>("--output") { Description = "The file to write (.omlmodel).", Required = true };
        var command = new Command("export", "Write a saved model to a portable model file.") { model, output };
        command.SetAction(async (parse, cancellationToken) =>
        {
            ModelReference reference = ModelReference.Parse(parse.GetValue(model)!, "--model");
            await using ClusterSession session = await context.ConnectOrEmbedAsync(parse, silos: 1, context.Error, cancellationToken);
            string path = parse.GetValue(output)!;
            SavedModel saved = await ExportAsync(session, reference, path, cancellationToken);
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"exported {saved.Header.Name}:{saved.Header.Version} ({saved.Header.Model.Kind}, {saved.Parameters.Length} parameters) to {path}"));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Exports the model; a name or version the registry does not have is bad usage (exit 2).</summary>
    private static async Task<SavedModel> ExportAsync(ClusterSession session, ModelReference reference, string path, CancellationToken cancellationToken)
    {
        ModelInfo[] versions = await session.Client.ListModelVersionsAsync(reference.Name, cancellationToken);
        if (versions.Length == 0 || (reference.Version != 0 && versions.All(v => v.Version != reference.Version)))
        {
            throw new CliException(ExitCodes.BadUsage, $"--model: '{reference}' is not a saved model version in the {session.Description} ({(versions.Length == 0 ? "no versions" : $"versions 1 to {versions.Length}")}).");
        }

        return await session.Client.ExportModelAsync(reference.Name, reference.Version, path, cancellationToken);
    }

    /// <summary>One line per row: the outputs, and for several outputs (class probabilities) the argmax first.</summary>
    internal static void WritePredictions(TextWriter writer, float[] outputs, int rows)
    {
        int perRow = outputs.Length / rows;
        var line = new StringBuilder();
        for (int row = 0; row < rows; row++)
        {
            ReadOnlySpan<float> values = outputs.AsSpan(row * perRow, perRow);
            line.Clear();
            if (perRow > 1)
            {
                int best = 0;
                for (int k = 1; k < values.Length; k++)
                {
                    best = values[k] > values[best] ? k : best;
                }

                line.Append(best.ToString(CultureInfo.InvariantCulture)).Append('\t');
            }

            for (int k = 0; k < values.Length; k++)
            {
                line.Append(k == 0 ? "" : ",").Append(values[k].ToString("G6", CultureInfo.InvariantCulture));
            }

            writer.WriteLine(line.ToString());
        }
    }
}
