using OrleansML.Learning.Data.Import;

namespace OrleansML.Cli;

/// <summary>
/// The <c>train</c> flags that steer importing a data file given as <c>--train</c>/<c>--test</c>. Every value the
/// importer infers can be set here instead (the feature and class counts by <c>--features</c> and <c>--classes</c>).
/// </summary>
internal sealed class DataImportFlags
{
    private static readonly Dictionary<string, DataFileFormat> s_formats = new(StringComparer.OrdinalIgnoreCase)
    {
        ["csv"] = DataFileFormat.Csv, ["libsvm"] = DataFileFormat.LibSvm, ["idx"] = DataFileFormat.Idx, ["parquet"] = DataFileFormat.Parquet,
    };

    private static readonly Dictionary<string, ModelTask> s_tasks = new(StringComparer.OrdinalIgnoreCase)
    {
        ["binary"] = ModelTask.BinaryClassification, ["multiclass"] = ModelTask.MulticlassClassification, ["regression"] = ModelTask.Regression,
    };

    public Option<string?> Format { get; } = new("--format") { Description = "Data file format: csv, libsvm, idx or parquet (default: from the file name and content)." };

    public Option<string?> LabelColumn { get; } = new("--label-column") { Description = "CSV/Parquet: the label column's name (default: label, target, class or y, else the last column)." };

    public Option<string?> Task { get; } = new("--task") { Description = "binary, multiclass or regression (default: inferred from the labels)." };

    public IEnumerable<Option> All() => [Format, LabelColumn, Task];

    /// <summary>Import options from the flags; <paramref name="features"/> and <paramref name="classes"/> are the
    /// model flags' values, which the import must honour too.</summary>
    /// <exception cref="CliException">A flag's value is not one of its choices (exit 2, naming the flag).</exception>
    public DatasetImportOptions Options(ParseResult parse, int? features, int? classes, int minimumPartitions) => new()
    {
        Format = TrainFlags.Choice(parse, Format, s_formats) ?? DataFileFormat.Auto,
        LabelColumn = parse.GetValue(LabelColumn),
        Task = TrainFlags.Choice(parse, Task, s_tasks),
        FeatureCount = features,
        ClassCount = classes,
        MinimumPartitionCount = minimumPartitions,
    };
}
