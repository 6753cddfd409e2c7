using System.Text;

namespace OrleansML.Learning.Data.Import;

/// <summary>
/// Options of <see cref="DatasetImporter"/>. Every value the importer infers from the data can be set here instead;
/// null means "infer". Checked by <see cref="Validate"/> when an import starts.
/// </summary>
public sealed class DatasetImportOptions
{
    /// <summary>The input format. Default <see cref="DataFileFormat.Auto"/>.</summary>
    public DataFileFormat Format { get; set; } = DataFileFormat.Auto;

    /// <summary>CSV field delimiter. Default null: ',' unless the first line has none and has a tab or ';'.</summary>
    public char? Delimiter { get; set; }

    /// <summary>CSV: the first line names the columns. Default null: it does when any of its fields is not a number.</summary>
    public bool? HasHeader { get; set; }

    /// <summary>
    /// CSV and Parquet: the label column by name. Default null: a column named label, target, class or y
    /// (ignoring case), else the last column.
    /// </summary>
    public string? LabelColumn { get; set; }

    /// <summary>CSV: the label column by 0-based position (for files without a header). Default null.</summary>
    public int? LabelColumnIndex { get; set; }

    /// <summary>LIBSVM: how feature ids are numbered. Default <see cref="LibSvmIndexBase.Auto"/>: 1-based unless an id 0 occurs.</summary>
    public LibSvmIndexBase IndexBase { get; set; } = LibSvmIndexBase.Auto;

    /// <summary>The feature count. Default null: the columns (dense) or the largest id + 1 (sparse).</summary>
    public long? FeatureCount { get; set; }

    /// <summary>The task. Default null: inferred from the labels (see docs/data.md).</summary>
    public ModelTask? Task { get; set; }

    /// <summary>
    /// Classification: the class count K. Default null: the distinct labels. When given for integer labels, the labels
    /// are taken as class ids and must lie in [0, K).
    /// </summary>
    public int? ClassCount { get; set; }

    /// <summary>IDX: the labels file. Default null: the images file's name with "images-idx3" replaced by "labels-idx1".</summary>
    public string? IdxLabelsPath { get; set; }

    /// <summary>IDX: scale pixels to [0, 1]. Default true.</summary>
    public bool ScaleToUnitRange { get; set; } = true;

    /// <summary>
    /// For a held-out file: the training import's schema. Its format, label column, index base, feature count, task
    /// and class mapping are used, and a label outside its classes is an error. Default null.
    /// </summary>
    public DatasetSchema? TrainingSchema { get; set; }

    /// <summary>The fewest partitions to write; set it to at least the number of workers. Default 1; 1..100000.</summary>
    public int MinimumPartitionCount { get; set; } = 1;

    /// <summary>The size a partition should not much exceed, in bytes; more partitions are written for larger data. Default 64 MiB; at least 1 KiB.</summary>
    public long TargetPartitionBytes { get; set; } = 64L << 20;

    /// <summary>The blob folder datasets are written under. Default "datasets".</summary>
    public string BlobPrefix { get; set; } = "datasets";

    /// <summary>The shortest time between two progress reports. Default 100 ms.</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The clock progress reports are throttled by. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad option and its value.</summary>
    public void Validate()
    {
        Check(Enum.IsDefined(Format), nameof(Format), Format);
        Check(Enum.IsDefined(IndexBase), nameof(IndexBase), IndexBase);
        Check(Task is null || Enum.IsDefined(Task.Value), nameof(Task), Task);
        Check(Delimiter is not { } d || !(char.IsAsciiDigit(d) || char.IsLetter(d) || d is '.' or '-' or '+' or '"' or '\r' or '\n'),
            nameof(Delimiter), Delimiter);
        Check(LabelColumn is null || LabelColumn.Length > 0, nameof(LabelColumn), LabelColumn);
        Check(LabelColumnIndex is null or >= 0, nameof(LabelColumnIndex), LabelColumnIndex);
        Check(FeatureCount is null or > 0, nameof(FeatureCount), FeatureCount);
        Check(ClassCount is null or >= 2, nameof(ClassCount), ClassCount);
        Check(!(Task == ModelTask.Regression && ClassCount is not null), nameof(ClassCount), $"{ClassCount} (a regression task has no classes)");
        Check(!(Task == ModelTask.BinaryClassification && ClassCount is not (null or 2)), nameof(ClassCount), $"{ClassCount} (a binary task has 2 classes)");
        Check(MinimumPartitionCount is >= 1 and <= 100_000, nameof(MinimumPartitionCount), MinimumPartitionCount);
        Check(TargetPartitionBytes >= 1024, nameof(TargetPartitionBytes), TargetPartitionBytes);
        Check(ProgressInterval >= TimeSpan.Zero, nameof(ProgressInterval), ProgressInterval);
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        ArgumentNullException.ThrowIfNull(BlobPrefix, nameof(BlobPrefix));
        Storage.BlobName.ValidatePrefix(BlobPrefix, nameof(BlobPrefix));
    }

    /// <summary>The options that change what is written, in a stable text form for the cache key.</summary>
    internal string DescribeOutputOptions()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"format={Format};delimiter={(int?)Delimiter};header={HasHeader};label={LabelColumn};");
        text.Append(CultureInfo.InvariantCulture, $"labelIndex={LabelColumnIndex};base={IndexBase};features={FeatureCount};task={Task};");
        text.Append(CultureInfo.InvariantCulture, $"classes={ClassCount};scale={ScaleToUnitRange};min={MinimumPartitionCount};target={TargetPartitionBytes};");
        if (TrainingSchema is not null)
        {
            text.Append("training=").Append(System.Text.Json.JsonSerializer.Serialize(TrainingSchema, ImportJsonContext.Default.DatasetSchema));
        }

        return text.ToString();
    }

    private static void Check(bool valid, string option, object? value)
    {
        if (!valid)
        {
            throw new ArgumentException($"DatasetImportOptions.{option} = {Excerpt.Of(Convert.ToString(value, CultureInfo.InvariantCulture))} is not valid; see its documentation for the allowed values.", option);
        }
    }
}
