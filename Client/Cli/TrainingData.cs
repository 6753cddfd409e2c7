using OrleansML.Learning.Data;
using OrleansML.Learning.Data.Import;
using OrleansML.Learning.Data.Partitioning;
using OrleansML.Learning.Models.Files;
using OrleansML.Learning.Storage;

namespace OrleansML.Cli;

/// <summary>Which model values the user set (by a flag or in the spec file); the rest follow from the data.</summary>
internal readonly record struct UserModelChoices(bool Kind, bool FeatureCount, bool ClassCount, bool HashBits);

/// <summary>
/// <c>train --train data.csv</c>: a data file (anything but a <c>*.manifest.json</c>) is imported into the local
/// blob store of the data directory (<c>&lt;data dir&gt;/blobs/datasets/...</c>, cached by content, so a second run
/// does not re-partition), and the spec is pointed at the imported manifest. The model's feature count, class count
/// and kind follow from the data unless the user set them. Manifests stay the advanced path and pass through.
/// </summary>
internal static class TrainingData
{
    /// <summary>The model values set by a flag or by the spec file, whose reader put the JSON paths of the fields
    /// it set in <paramref name="specFieldsSet"/>.</summary>
    public static UserModelChoices Choices(System.CommandLine.ParseResult parse, TrainFlags flags, IReadOnlySet<string> specFieldsSet) => new(
        parse.GetResult(flags.Model) is not null || specFieldsSet.Contains("$.model.kind"),
        parse.GetResult(flags.Features) is not null || specFieldsSet.Contains("$.model.featureCount"),
        parse.GetResult(flags.Classes) is not null || specFieldsSet.Contains("$.model.classCount"),
        parse.GetResult(flags.HashBits) is not null || specFieldsSet.Contains("$.model.hashBits"));

    public static bool IsDataFile(string? path) =>
        !string.IsNullOrWhiteSpace(path) && !path.EndsWith(PartitionedDataset.ManifestSuffix, StringComparison.Ordinal);

    /// <summary>
    /// Imports the spec's data files (if any) into the store the silos read and returns the spec with dataset references
    /// and inferred model values: <c>blob:</c> references into <paramref name="store"/> when the silos share it (the
    /// embedded cluster's data directory, or the cluster's configured <c>OrleansML:BlobStore</c>), otherwise the local
    /// manifest paths under <paramref name="localRoot"/>, which every silo must then see.
    /// </summary>
    /// <exception cref="CliException">The data is bad (exit 2, naming file, line and column) or does not fit the chosen model.</exception>
    public static async Task<TrainingSpec> PrepareAsync(CliContext context, TrainingSpec spec, UserModelChoices userSet, DatasetImportOptions options,
        IBlobStore store, string? localRoot, CancellationToken cancellationToken)
    {
        if (!IsDataFile(spec.Data.TrainManifest))
        {
            if (IsDataFile(spec.Data.TestManifest))
            {
                throw new CliException(ExitCodes.BadUsage, "--test: a data file needs --train to be a data file too (its schema comes from the training data); give both as manifests or both as data files.");
            }

            return spec;
        }

        string Reference(string blob) => localRoot is null ? DatasetReference.ForBlob(blob) : Path.Combine(localRoot, blob.Replace('/', Path.DirectorySeparatorChar));
        DatasetImportResult train = await ImportAsync(context, store, spec.Data.TrainManifest, options, cancellationToken);
        string? testManifest = spec.Data.TestManifest;
        if (IsDataFile(testManifest))
        {
            options.TrainingSchema = train.Schema;
            options.MinimumPartitionCount = 1;
            DatasetImportResult test = await ImportAsync(context, store, testManifest!, options, cancellationToken);
            testManifest = Reference(test.ManifestBlobName);
        }

        DatasetSchema schema = train.Schema;
        context.Output.WriteLine(Describe(schema, train));
        ModelSpec model = ModelFor(spec.Model, schema, userSet);
        return spec with
        {
            Model = model,
            Data = spec.Data with { TrainManifest = Reference(train.ManifestBlobName), TestManifest = testManifest, ClassLabels = LabelsFor(model, schema) },
        };
    }

    /// <summary>The data's labels to save with the model: null when the ids are the labels, or when the model does not
    /// have the data's classes (a regression, or a class count the user chose), where names would not fit its outputs.</summary>
    internal static IReadOnlyList<string>? LabelsFor(ModelSpec model, DatasetSchema schema)
    {
        IReadOnlyList<string>? labels = ModelFileHeader.MeaningfulLabels(schema.ClassLabels);
        if (labels is null)
        {
            return null;
        }

        try
        {
            return ModelFileHeader.ClassLabelsProblem(model, labels) is null ? labels : null;
        }
        catch (ArgumentException)
        {
            return null; // an invalid model spec: the validator reports it, field by field
        }
    }

    /// <summary>The model the data calls for: the user's choices kept, the rest inferred.</summary>
    /// <exception cref="CliException">The chosen model cannot read the data, or no model fits it.</exception>
    internal static ModelSpec ModelFor(ModelSpec model, DatasetSchema schema, UserModelChoices userSet)
    {
        ModelKind kind = userSet.Kind ? model.Kind : DefaultKind(schema);
        ModelSpec inferred = model with { Kind = kind };
        ModelInput input = kind is ModelKind.HashedLogisticRegression or ModelKind.FactorizationMachine ? ModelInput.Sparse : ModelInput.Dense;
        if (input != schema.Input)
        {
            throw new CliException(ExitCodes.BadUsage,
                $"--model: {kind} reads {input.ToString().ToLowerInvariant()} rows, but the {schema.Format} data is {schema.Input.ToString().ToLowerInvariant()}; " +
                (schema.Input == ModelInput.Sparse ? "use hashed-logistic or fm for sparse data." : "use softmax, mlp, logistic or linear for dense data."));
        }

        if (!userSet.FeatureCount && kind != ModelKind.HashedLogisticRegression)
        {
            inferred = inferred with { FeatureCount = checked((int)schema.FeatureCount) };
        }

        if (!userSet.ClassCount && schema.Task != ModelTask.Regression)
        {
            inferred = inferred with { ClassCount = schema.ClassCount };
        }

        if (!userSet.HashBits && kind == ModelKind.HashedLogisticRegression)
        {
            // Enough buckets that every feature id has its own: the ids of an imported file are already dense.
            int bits = (int)Math.Ceiling(Math.Log2(Math.Max(2, schema.FeatureCount)));
            inferred = inferred with { HashBits = Math.Clamp(bits, Learning.Models.Sparse.HashedLogisticRegressionOptions.MinimumHashBits, Learning.Models.Sparse.HashedLogisticRegressionOptions.MaximumHashBits) };
        }

        if (kind == ModelKind.FactorizationMachine && !userSet.Kind)
        {
            inferred = inferred with { FactorizationTask = schema.Task == ModelTask.Regression ? ModelTask.Regression : ModelTask.BinaryClassification };
        }

        return inferred;
    }

    private static ModelKind DefaultKind(DatasetSchema schema) => (schema.Input, schema.Task) switch
    {
        (ModelInput.Dense, ModelTask.BinaryClassification) => ModelKind.LogisticRegression,
        (ModelInput.Dense, ModelTask.MulticlassClassification) => ModelKind.SoftmaxRegression,
        (ModelInput.Dense, _) => ModelKind.LinearRegression,
        (ModelInput.Sparse, ModelTask.BinaryClassification) => ModelKind.HashedLogisticRegression,
        (ModelInput.Sparse, ModelTask.Regression) => ModelKind.FactorizationMachine,
        _ => throw new CliException(ExitCodes.BadUsage,
            $"the data is sparse ({schema.Format}) with {schema.ClassCount} classes, and OrleansML's multiclass models (softmax, mlp) read dense rows: " +
            "convert it to CSV or Parquet, or pass --task binary if it is a two-class problem."),
    };

    private static async Task<DatasetImportResult> ImportAsync(CliContext context, IBlobStore store, string path, DatasetImportOptions options, CancellationToken cancellationToken)
    {
        var progress = new ImportProgressView(context, path);
        try
        {
            DatasetImportResult result = await DatasetImporter.ImportAsync(store, path, options, progress, cancellationToken);
            progress.Finish(result);
            return result;
        }
        catch (DataFormatException exception)
        {
            throw new CliException(ExitCodes.BadUsage, exception.Message, exception);
        }
        catch (ArgumentException exception)
        {
            throw new CliException(ExitCodes.BadUsage, exception.Message, exception);
        }
        catch (BlobStoreException exception)
        {
            throw new CliException(ExitCodes.JobFailed, $"could not write the imported data: {exception.Message}", exception);
        }
    }

    private static string Describe(DatasetSchema schema, DatasetImportResult train)
    {
        string task = schema.Task switch
        {
            ModelTask.Regression => "regression",
            ModelTask.BinaryClassification => "binary classification",
            _ => $"{schema.ClassCount}-class classification",
        };
        string labels = schema.ClassLabels.Count == 0 ? "" : $"; labels {string.Join(", ", schema.ClassLabels.Take(12).Select((l, i) => $"{l}->{i}"))}{(schema.ClassLabels.Count > 12 ? ", ..." : "")}";
        return string.Create(CultureInfo.InvariantCulture,
            $"data: {train.RowCount} rows, {schema.FeatureCount} {schema.Input.ToString().ToLowerInvariant()} features, {task}{labels}; {train.PartitionCount} partitions{(train.FromCache ? " (cached)" : "")}");
    }
}
