using OrleansML.Learning.Data;
using OrleansML.Learning.Models.Files;
using OrleansML.Learning.Models.Store;
using OrleansML.Learning.Storage;

namespace OrleansML.Cli;

/// <summary>
/// Models read in this process, with no cluster: a model file named by <c>--model</c>, or a model in the local model
/// store, the <c>blobs</c> folder of the data directory, where the embedded cluster of <c>train</c> saves them.
/// Failures become <see cref="CliException"/>s naming <c>--model</c>: an unknown model is bad usage (exit 2), a
/// corrupt one a failure (exit 1).
/// </summary>
internal static class LocalModels
{
    /// <summary>Whether <c>--model</c> names a model file rather than <c>name[:version]</c>: an existing file, a path,
    /// or a name ending in a model file extension.</summary>
    public static bool IsFile(string text) =>
        File.Exists(text) || text.Contains('/', StringComparison.Ordinal) || text.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal)
        || text.EndsWith(ModelFile.Extension, StringComparison.OrdinalIgnoreCase) || text.EndsWith(ModelNames.ModelExtension, StringComparison.OrdinalIgnoreCase);

    /// <summary>The local model store of the data directory (<c>--data-dir</c>, ORLEANSML_DATA_DIR or the default).</summary>
    public static ModelStore OpenStore(CliContext context, ParseResult parse, out string directory)
    {
        directory = Path.Combine(context.Cluster.ResolveDataDirectory(parse, context.Environment), OrleansMLModel.LocalBlobFolder);
        return new ModelStore(new LocalDirectoryBlobStore(directory));
    }

    /// <summary>Reads and checks the model file at <paramref name="path"/>; returns the file's bytes too.</summary>
    public static (OrleansMLModel Model, byte[] File) ReadFile(string path)
    {
        if (Directory.Exists(path))
        {
            throw new CliException(ExitCodes.BadUsage, $"--model: '{path}' is a directory, not a model file.");
        }

        if (!File.Exists(path))
        {
            throw new CliException(ExitCodes.BadUsage, $"--model: the model file '{path}' does not exist (a stored model is named <name> or <name>:<version>).");
        }

        byte[] bytes = File.ReadAllBytes(path);
        try
        {
            return (OrleansMLModel.From(ModelFile.Deserialize(bytes, path)), bytes);
        }
        catch (DataFormatException exception)
        {
            throw new CliException(ExitCodes.BadUsage, $"--model: '{path}' {exception.Reason}", exception);
        }
    }

    /// <summary>Finds, reads and checks <paramref name="reference"/> in the local store; returns the file's bytes too.</summary>
    public static async Task<(OrleansMLModel Model, byte[] File)> LoadAsync(ModelStore store, ModelReference reference, CancellationToken cancellationToken)
    {
        try
        {
            StoredModelEntry entry = await store.FindAsync(reference.Name, reference.Version, cancellationToken);
            byte[] file = await store.ReadFileAsync(entry, cancellationToken);
            return (OrleansMLModel.From(ModelFile.Deserialize(file, entry.Blob)), file);
        }
        catch (ModelStoreException exception)
        {
            throw new CliException(exception.NotFound ? ExitCodes.BadUsage : ExitCodes.JobFailed, $"--model: {exception.Message}", exception);
        }
        catch (DataFormatException exception)
        {
            throw new CliException(ExitCodes.JobFailed, $"--model: '{reference}' in the model store is not a valid model file: {exception.Message}", exception);
        }
        catch (BlobStoreException exception)
        {
            throw new CliException(ExitCodes.JobFailed, $"--model: '{reference}': the model store could not be read: {exception.Message}", exception);
        }
    }

    /// <summary>The model <c>--model</c> names, read locally: a model file, or a model in the local store (saying so on stderr).</summary>
    public static async Task<(OrleansMLModel Model, byte[] File)> ResolveAsync(CliContext context, ParseResult parse, string text, CancellationToken cancellationToken)
    {
        if (IsFile(text))
        {
            return ReadFile(text);
        }

        ModelReference reference = ModelReference.Parse(text, "--model");
        ModelStore store = OpenStore(context, parse, out string directory);
        context.Error.WriteLine($"no cluster configured: using the models in {directory}");
        return await LoadAsync(store, reference, cancellationToken);
    }
}
