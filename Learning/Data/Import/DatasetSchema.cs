namespace OrleansML.Learning.Data.Import;

/// <summary>
/// What an import found (or was told) about a dataset: enough to build a model for it and to import a held-out
/// file so that it matches (pass it as <see cref="DatasetImportOptions.TrainingSchema"/>).
/// </summary>
/// <param name="Format">The input format.</param>
/// <param name="Input">Dense (CSV, IDX, Parquet) or sparse (LIBSVM) partitions.</param>
/// <param name="FeatureCount">Columns of a dense dataset, or the feature id space of a sparse one.</param>
/// <param name="Task">Binary, multiclass or regression.</param>
/// <param name="ClassCount">Classes for classification tasks; 0 for regression.</param>
/// <param name="ClassLabels">
/// The labels as found in the input, in class id order: <c>ClassLabels[k]</c> is stored as label k. Numbers are
/// written in their shortest round-trip form ("1", "-1", "2.5"). Empty for regression.
/// </param>
/// <param name="IndexBase">For LIBSVM, 0 or 1: how feature ids are numbered in the file. Null for other formats.</param>
/// <param name="LabelColumn">For CSV and Parquet, the label column's name (or "#i" for column i of a headerless CSV).</param>
public sealed record DatasetSchema(
    DataFileFormat Format,
    ModelInput Input,
    long FeatureCount,
    ModelTask Task,
    int ClassCount,
    IReadOnlyList<string> ClassLabels,
    int? IndexBase,
    string? LabelColumn);
