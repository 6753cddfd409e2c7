namespace OrleansML.Learning.Data.Import;

/// <summary>What one import reads with: the options, with a held-out file's training schema taking precedence.</summary>
internal sealed record ImportSettings(
    DataFileFormat Format,
    string Path,
    string? LabelsPath,
    string? LabelColumn,
    int? LabelColumnIndex,
    LibSvmIndexBase IndexBase,
    long? FeatureCount,
    DatasetImportOptions Options)
{
    public static ImportSettings Resolve(string path, DataFileFormat detected, DatasetImportOptions options)
    {
        DatasetSchema? training = options.TrainingSchema;
        string? labelColumn = training?.LabelColumn ?? options.LabelColumn;
        int? labelIndex = options.LabelColumnIndex;
        if (labelColumn is ['#', .. string digits] && int.TryParse(digits, System.Globalization.CultureInfo.InvariantCulture, out int index))
        {
            (labelColumn, labelIndex) = (null, index);
        }

        LibSvmIndexBase indexBase = training?.IndexBase switch
        {
            0 => LibSvmIndexBase.Zero,
            1 => LibSvmIndexBase.One,
            _ => options.IndexBase,
        };

        string? labelsPath = null;
        if (detected == DataFileFormat.Idx)
        {
            labelsPath = options.IdxLabelsPath ?? IdxRowSource.GuessLabelsPath(path)
                ?? throw new DataFormatException(path, 0, 0, "is an IDX images file, and its labels file cannot be guessed from its name; set IdxLabelsPath");
        }

        return new ImportSettings(detected, path, labelsPath, labelColumn, labelIndex, indexBase, training?.FeatureCount ?? options.FeatureCount, options);
    }

    /// <summary>Opens the input for one pass; <paramref name="indexBase"/> is the pass's (known in the second).</summary>
    public async Task<RowSource> OpenAsync(LibSvmIndexBase indexBase, long? featureCount, CancellationToken cancellationToken) => Format switch
    {
        DataFileFormat.Csv => CsvRowSource.Open(Path, Options.Delimiter, Options.HasHeader, LabelColumn, LabelColumnIndex),
        DataFileFormat.LibSvm => new LibSvmRowSource(Path, indexBase, featureCount),
        DataFileFormat.Idx => new IdxRowSource(Path, LabelsPath!, Options.ScaleToUnitRange),
        _ => await ParquetRowSource.OpenAsync(Path, LabelColumn, cancellationToken),
    };
}
