using System.Text.Json;
using OrleansML.Learning.Data.Partitioning;

namespace OrleansML.Learning.Data.Import;

/// <summary>
/// Turns a data file (CSV, LIBSVM/SVMlight, IDX, Parquet) into a partitioned dataset in a blob store, inferring its
/// schema. Two streaming passes: the first checks every row, infers the schema and counts each row's values; the
/// second writes partitions balanced by those counts, one partition in memory at a time. The result is cached by the
/// content hash of the input and the options that change the output.
/// </summary>
/// <remarks>
/// Partitions and the schema (<c>{name}.schema.json</c>) are written before the manifest, so a manifest that exists is
/// complete: that is what the cache looks for. Bad data throws <see cref="DataFormatException"/> whose message is
/// <c>file:line:column: reason</c> (or <c>file: row N, column 'x': reason</c> for Parquet) and quotes at most 80
/// characters of the input. The formats and inference rules are in docs/data.md.
/// </remarks>
public static class DatasetImporter
{
    /// <summary>Imports <paramref name="path"/> into <paramref name="store"/>.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    /// <exception cref="DataFormatException">The input is missing, a directory, empty or malformed; the message says where.</exception>
    /// <exception cref="BlobStoreException">The store could not be read or written.</exception>
    public static Task<DatasetImportResult> ImportAsync(IBlobStore store, string path, DatasetImportOptions? options,
        IProgress<ImportProgress>? progress, CancellationToken cancellationToken) =>
        ImportAsync(store, path, options, progress, peakRowsHeld: null, cancellationToken);

    /// <summary>As the public overload; <paramref name="peakRowsHeld"/> learns the most rows the second pass held at once.</summary>
    internal static async Task<DatasetImportResult> ImportAsync(IBlobStore store, string path, DatasetImportOptions? options,
        IProgress<ImportProgress>? progress, Action<int>? peakRowsHeld, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new DatasetImportOptions();
        options.Validate();
        long totalBytes = InputFile.Check(path);
        DataFileFormat format = options.Format != DataFileFormat.Auto ? options.Format
            : options.TrainingSchema?.Format ?? FormatDetector.Detect(path);
        ImportSettings settings = ImportSettings.Resolve(path, format, options);
        List<string> inputs = [path];
        if (settings.LabelsPath is { } labelsPath)
        {
            totalBytes += InputFile.Check(labelsPath);
            inputs.Add(labelsPath);
        }

        var reporter = new ProgressReporter(progress, options.TimeProvider, options.ProgressInterval, totalBytes);
        string contentHash = await ContentHasher.HashFilesAsync(inputs, reporter, cancellationToken);
        string prefix = BlobName.Join(options.BlobPrefix, ContentHasher.CacheKey(contentHash, format, options));
        string name = options.TrainingSchema is null ? "train" : "test";
        string manifestBlob = PartitionedBlobDataset.ManifestBlobName(prefix, name);
        string schemaBlob = BlobName.Join(prefix, name + ".schema.json");
        if (await store.ExistsAsync(manifestBlob, cancellationToken))
        {
            DatasetManifest cached = await PartitionedBlobDataset.OpenManifestAsync(store, prefix, name, cancellationToken);
            byte[] json = await store.ReadAllBytesAsync(schemaBlob, cancellationToken);
            DatasetSchema cachedSchema = JsonSerializer.Deserialize(json, ImportJsonContext.Default.DatasetSchema)
                ?? throw new DataFormatException($"{schemaBlob} (blob in {store.Location})", 0, 0, "the cached schema is empty");
            return new DatasetImportResult(manifestBlob, cachedSchema, cached.RowCount, cached.NonzeroCount, cached.Partitions.Count, contentHash, FromCache: true);
        }

        Scan scan = await ScanAsync(settings, reporter, cancellationToken);
        var schema = new DatasetSchema(format, scan.Input, scan.FeatureCount, scan.Labels.Task, scan.Labels.Task == ModelTask.Regression ? 0 : scan.Labels.ClassLabels.Count,
            scan.Labels.ClassLabels, scan.IndexBase, scan.LabelColumn);
        DatasetManifest manifest = await WritePartitionsAsync(store, prefix, name, settings, scan, reporter, peakRowsHeld, cancellationToken);
        await store.WriteAsync(schemaBlob, JsonSerializer.SerializeToUtf8Bytes(schema, ImportJsonContext.Default.DatasetSchema), cancellationToken);
        await store.WriteAsync(manifestBlob, DatasetLayout.Serialize(manifest), cancellationToken);
        return new DatasetImportResult(manifestBlob, schema, manifest.RowCount, manifest.NonzeroCount, manifest.Partitions.Count, contentHash, FromCache: false);
    }

    /// <summary>What the first pass found.</summary>
    private sealed record Scan(ModelInput Input, long RowCount, long FeatureCount, int[]? RowPointers, LabelCatalog Labels, int? IndexBase, string? LabelColumn);

    private static async Task<Scan> ScanAsync(ImportSettings settings, ProgressReporter reporter, CancellationToken cancellationToken)
    {
        DatasetImportOptions options = settings.Options;
        var labels = new LabelCatalog(options.Task, options.ClassCount, options.TrainingSchema);
        await using RowSource source = await settings.OpenAsync(settings.IndexBase, settings.FeatureCount, cancellationToken);
        var pointers = new List<int> { 0 };
        long rows = 0, nonzeros = 0;
        while (await source.MoveNextAsync(cancellationToken))
        {
            rows++;
            if (rows == 1 && source.Input == ModelInput.Dense && settings.FeatureCount is long expected && expected != source.ColumnCount)
            {
                string whose = options.TrainingSchema is null ? "FeatureCount is" : "the training data has";
                throw source.RowError($"the row has {source.ColumnCount} features but {whose} {expected}");
            }

            labels.Observe(source);
            if (source.Input == ModelInput.Sparse)
            {
                nonzeros += source.SparseIndices.Length;
                pointers.Add(nonzeros <= int.MaxValue ? (int)nonzeros
                    : throw source.RowError($"the file holds more than {int.MaxValue} values, more than one import can partition; split the file"));
            }

            reporter.Report(ImportPhase.Scanning, source.BytesRead, rows);
        }

        if (rows == 0)
        {
            throw new DataFormatException(settings.Path, 0, 0, "the file holds no data rows");
        }

        if (rows > int.MaxValue)
        {
            throw new DataFormatException(settings.Path, 0, 0, $"the file holds {rows} rows, more than one import can partition ({int.MaxValue}); split the file");
        }

        reporter.Report(ImportPhase.Scanning, source.BytesRead, rows, final: true);
        labels.Decide(settings.Path);
        if (source is LibSvmRowSource libsvm)
        {
            (int indexBase, long featureCount) = ResolveSparseIds(settings, libsvm);
            return new Scan(ModelInput.Sparse, rows, featureCount, [.. pointers], labels, indexBase, null);
        }

        return new Scan(ModelInput.Dense, rows, source.ColumnCount, null, labels, null, source.LabelColumn);
    }

    /// <summary>The base and feature count of a LIBSVM file once every id has been seen.</summary>
    private static (int IndexBase, long FeatureCount) ResolveSparseIds(ImportSettings settings, LibSvmRowSource source)
    {
        int indexBase = settings.IndexBase switch
        {
            LibSvmIndexBase.Zero => 0,
            LibSvmIndexBase.One => 1,
            _ => source.SawZeroId ? 0 : 1,
        };

        long needed = Math.Max(1, source.LargestId + 1 - indexBase);
        if (settings.FeatureCount is long given)
        {
            if (needed > given)
            {
                throw new DataFormatException(settings.Path, source.LargestIdLine, source.LargestIdColumn,
                    $"feature index {source.LargestId} is out of range: the dataset has {given} features and the file is {indexBase}-based");
            }

            return (indexBase, given);
        }

        return (indexBase, needed);
    }

    private static async Task<DatasetManifest> WritePartitionsAsync(IBlobStore store, string prefix, string name, ImportSettings settings, Scan scan,
        ProgressReporter reporter, Action<int>? peakRowsHeld, CancellationToken cancellationToken)
    {
        long stored = scan.RowPointers is { } p ? p[^1] : scan.RowCount * scan.FeatureCount;
        long bytes = scan.Input == ModelInput.Dense ? stored * sizeof(float) + scan.RowCount * sizeof(float)
            : stored * (sizeof(int) + sizeof(float)) + scan.RowCount * (sizeof(int) + sizeof(float));
        long bySize = (bytes + settings.Options.TargetPartitionBytes - 1) / settings.Options.TargetPartitionBytes;
        int partitionCount = (int)Math.Clamp(Math.Max(settings.Options.MinimumPartitionCount, bySize), 1, 100_000);
        int[] boundaries = scan.RowPointers is { } pointers ? DatasetPartitioner.PlanByNonzeros(pointers, partitionCount)
            : DatasetPartitioner.PlanByRows((int)scan.RowCount, partitionCount);
        var writer = new PartitionWriter(store, prefix, name, scan.Input, scan.FeatureCount, boundaries, scan.RowPointers);
        LibSvmIndexBase knownBase = scan.IndexBase == 0 ? LibSvmIndexBase.Zero : LibSvmIndexBase.One;
        await using (RowSource source = await settings.OpenAsync(knownBase, scan.FeatureCount, cancellationToken))
        {
            long rows = 0;
            await writer.FlushIfFullAsync(cancellationToken); // leading empty partitions, when there are fewer rows than partitions
            while (await source.MoveNextAsync(cancellationToken))
            {
                if (++rows > scan.RowCount)
                {
                    throw source.RowError("the file changed during the import: it has more rows than in the first pass");
                }

                float label = scan.Labels.Map(source);
                if (scan.Input == ModelInput.Dense)
                {
                    writer.AppendDense(label, source.DenseValues);
                }
                else if (!writer.AppendSparse(label, source.SparseIndices, source.SparseValues))
                {
                    throw source.RowError("the file changed during the import: the row's length differs from the first pass");
                }

                await writer.FlushIfFullAsync(cancellationToken);

                reporter.Report(ImportPhase.Writing, source.BytesRead, rows);
            }

            if (rows != scan.RowCount)
            {
                throw new DataFormatException(settings.Path, 0, 0, $"the file changed during the import: {rows} rows now, {scan.RowCount} in the first pass");
            }

            reporter.Report(ImportPhase.Writing, source.BytesRead, rows, final: true);
        }

        await writer.CompleteAsync(cancellationToken);
        peakRowsHeld?.Invoke(writer.PeakRowsHeld);
        return new DatasetManifest((int)PartitionFileHeader.CurrentVersion, name, scan.Input == ModelInput.Dense ? PartitionKind.Dense : PartitionKind.Sparse,
            scan.Input == ModelInput.Dense ? 0 : sizeof(int), scan.RowCount, scan.FeatureCount, stored, [.. writer.Entries]);
    }
}
