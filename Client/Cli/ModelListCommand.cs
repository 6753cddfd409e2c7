using OrleansML.Learning.Models.Store;
using OrleansML.Learning.Storage;
using OrleansML.Models;
using Spectre.Console;

namespace OrleansML.Cli;

/// <summary><c>models</c>: the saved model versions, from the configured cluster's model store or, with no cluster
/// configured, from the local one (no cluster is started).</summary>
internal static class ModelListCommand
{
    public static Command Create(CliContext context)
    {
        var name = new Option<string?>("--name") { Description = "Only this model's versions." };
        var command = new Command("models", "List the saved models: name, version, kind, features, classes, metrics, created.") { name };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string? only = parse.GetValue(name);
            if (only is not null && ModelNames.Problem(only) is string problem)
            {
                throw new CliException(ExitCodes.BadUsage, $"--name: {problem}.");
            }

            ModelInfo[] models;
            string source;
            if (context.Cluster.Resolve(parse, context.Environment) is not null)
            {
                await using ClusterSession session = await context.ConnectAsync(parse, cancellationToken);
                models = await session.Client.ListModelsAsync(cancellationToken);
                source = $"the model store of the {session.Description}";
            }
            else
            {
                ModelStore store = LocalModels.OpenStore(context, parse, out string directory);
                models = await ListLocalAsync(store, cancellationToken);
                source = $"the local model store in {directory}";
            }

            models = [.. models.Where(m => only is null || m.Name == only)];
            if (models.Length == 0)
            {
                context.Output.WriteLine(only is null ? $"no models in {source}" : $"no versions of model '{only}' in {source}");
                return ExitCodes.Success;
            }

            context.Console.Write(Table(models, context.Interactive));
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<ModelInfo[]> ListLocalAsync(ModelStore store, CancellationToken cancellationToken)
    {
        try
        {
            return [.. (await store.ListAsync(cancellationToken)).Select(ModelInfo.From)];
        }
        catch (ModelStoreException exception)
        {
            throw new CliException(ExitCodes.JobFailed, exception.Message, exception);
        }
        catch (BlobStoreException exception)
        {
            throw new CliException(ExitCodes.JobFailed, $"the model store could not be listed: {exception.Message}", exception);
        }
    }

    private static Table Table(IEnumerable<ModelInfo> models, bool interactive)
    {
        var table = new Table().Border(interactive ? TableBorder.Rounded : TableBorder.Ascii)
            .AddColumn("name").AddColumn("version").AddColumn("kind").AddColumn("features").AddColumn("classes").AddColumn("metrics").AddColumn("created (UTC)");
        foreach (ModelInfo model in models)
        {
            table.AddRow(
                Markup.Escape(model.Name),
                model.Version.ToString(CultureInfo.InvariantCulture),
                model.Model.Kind.ToString(),
                Features(model.Model),
                Classes(model.Model),
                Markup.Escape(string.Join(" ", model.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key}={m.Value:0.####}")))),
                model.CreatedUtc.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        }

        return table;
    }

    private static string Features(ModelSpec spec) => spec.Kind == ModelKind.HashedLogisticRegression
        ? string.Create(CultureInfo.InvariantCulture, $"2^{spec.HashBits} hashed")
        : spec.FeatureCount.ToString(CultureInfo.InvariantCulture);

    private static string Classes(ModelSpec spec) => spec.Kind switch
    {
        ModelKind.SoftmaxRegression or ModelKind.Mlp => spec.ClassCount.ToString(CultureInfo.InvariantCulture),
        ModelKind.LogisticRegression or ModelKind.HashedLogisticRegression => "2",
        ModelKind.FactorizationMachine when spec.FactorizationTask == ModelTask.BinaryClassification => "2",
        _ => "-",
    };
}
