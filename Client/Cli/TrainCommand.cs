using OrleansML.Learning.Storage;

namespace OrleansML.Cli;

/// <summary><c>train</c>: validates the spec (flags over <c>--spec</c>), starts the job on the configured
/// cluster or on an embedded one, and follows it to the end.</summary>
internal static class TrainCommand
{
    public static Command Create(CliContext context)
    {
        var flags = new TrainFlags();
        var dataFlags = new DataImportFlags();
        var silos = new Option<int>("--silos") { Description = "Embedded cluster: silos to start (when no cluster is configured).", DefaultValueFactory = _ => 2 };
        var detach = new Option<bool>("--detach") { Description = "Return once the job started (a configured cluster only: an embedded cluster ends with the command)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Validate and print the merged spec as JSON; start nothing." };
        var command = new Command("train", "Train a model on the cluster (or on an embedded local cluster).");
        foreach (Option option in flags.All())
        {
            command.Options.Add(option);
        }

        foreach (Option option in dataFlags.All())
        {
            command.Options.Add(option);
        }

        command.Options.Add(silos);
        command.Options.Add(detach);
        command.Options.Add(dryRun);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var specFieldsSet = new HashSet<string>(StringComparer.Ordinal);
            TrainingSpec spec = flags.Build(parse, specFieldsSet);
            if (TrainingData.IsDataFile(spec.Data.TrainManifest) || TrainingData.IsDataFile(spec.Data.TestManifest))
            {
                var importOptions = dataFlags.Options(parse, parse.GetValue(flags.Features), parse.GetValue(flags.Classes), spec.Workers);
                (IBlobStore store, string? localRoot) = ImportTarget(context, parse);
                spec = await TrainingData.PrepareAsync(context, spec, TrainingData.Choices(parse, flags, specFieldsSet), importOptions, store, localRoot, cancellationToken);
            }

            TrainingSpecValidator.Validate(spec);
            if (parse.GetValue(dryRun))
            {
                context.Output.WriteLine(TrainingSpecFile.ToJson(spec));
                return ExitCodes.Success;
            }

            int siloCount = parse.GetValue(silos);
            if (siloCount is < 1 or > 16)
            {
                throw new CliException(ExitCodes.BadUsage, $"--silos: must be between 1 and 16, got {siloCount}.");
            }

            await using ClusterSession session = await context.ConnectOrEmbedAsync(parse, siloCount, context.Output, cancellationToken);
            bool follow = session.IsEmbedded || !parse.GetValue(detach);
            int code = await RunAsync(context, session.Client, spec, follow, cancellationToken);
            if (session.IsEmbedded && code == ExitCodes.Success)
            {
                context.Output.WriteLine($"the model is kept in {context.Cluster.ResolveDataDirectory(parse, context.Environment)}: 'orleansml predict' and 'orleansml export' find it there");
            }

            return code;
        });
        return command;
    }

    /// <summary>
    /// Where imported data goes: the cluster's own blob store when its settings name one, read back by <c>blob:</c>
    /// reference; with no cluster configured, the embedded silos' store in the data directory, likewise; otherwise the
    /// local data directory by path, which the silos must share (said on the output).
    /// </summary>
    private static (IBlobStore Store, string? LocalRoot) ImportTarget(CliContext context, ParseResult parse)
    {
        string localRoot = Path.Combine(context.Cluster.ResolveDataDirectory(parse, context.Environment), OrleansMLModel.LocalBlobFolder);
        if (context.Cluster.Resolve(parse, context.Environment) is null)
        {
            return (new LocalDirectoryBlobStore(localRoot), null);
        }

        if (context.Cluster.ResolveBlobStore(parse, context.Environment) is BlobStoreOptions configured)
        {
            return (BlobStore.Create(configured), null);
        }

        context.Output.WriteLine($"the cluster's settings name no OrleansML:BlobStore: importing into {localRoot}, which every silo must see at that path");
        return (new LocalDirectoryBlobStore(localRoot), localRoot);
    }

    /// <summary>Starts the job and, when <paramref name="follow"/>, shows its progress to the end.</summary>
    internal static async Task<int> RunAsync(CliContext context, OrleansMLClient client, TrainingSpec spec, bool follow, CancellationToken cancellationToken)
    {
        TrainingJob job = await client.StartTrainingAsync(spec, cancellationToken);
        context.Output.WriteLine($"started job {job.JobId}");
        if (!follow)
        {
            return ExitCodes.Success;
        }

        JobStatus final = await context.ProgressView().FollowAsync(job, cancellationToken);
        return final.State == JobState.Completed ? ExitCodes.Success : ExitCodes.JobFailed;
    }
}
