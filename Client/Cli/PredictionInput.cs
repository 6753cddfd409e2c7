using OrleansML.Learning.Data;
using OrleansML.Learning.Data.Readers;

namespace OrleansML.Cli;

/// <summary>
/// Reads the rows to predict as dense row-major features of a model's width. CSV (<c>.csv</c>): one row per
/// line, comma-separated numbers; a first line that is not numeric is a header; a row one value wider than the
/// model is taken to start with its label, which is dropped. LIBSVM (<c>.libsvm</c>, <c>.svm</c>, <c>.txt</c>):
/// read with the library's reader and densified; feature ids must fall inside the model's width.
/// </summary>
internal static class PredictionInput
{
    /// <exception cref="CliException">The file is malformed or does not fit the model (exit 2; names file and line).</exception>
    public static (float[] Features, int Rows) Read(string path, int featureCount, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new CliException(ExitCodes.BadUsage, $"--input: '{path}' does not exist.");
        }

        string extension = Path.GetExtension(path).ToLowerInvariant();
        return extension == ".csv" ? ReadCsv(path, featureCount, cancellationToken) : ReadLibSvm(path, featureCount, cancellationToken);
    }

    private static (float[] Features, int Rows) ReadCsv(string path, int featureCount, CancellationToken cancellationToken)
    {
        var features = new List<float>();
        int rows = 0;
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            cancellationToken.ThrowIfCancellationRequested();
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            string[] cells = line.Split(',', StringSplitOptions.TrimEntries);
            var values = new float[cells.Length];
            int bad = -1;
            for (int i = 0; i < cells.Length && bad < 0; i++)
            {
                bool numeric = float.TryParse(cells[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) && float.IsFinite(values[i]);
                bad = numeric ? -1 : i;
            }

            if (bad >= 0)
            {
                if (lineNumber == 1)
                {
                    continue; // a header
                }

                throw new CliException(ExitCodes.BadUsage, $"--input: '{path}' line {lineNumber} field {bad + 1}: '{Shorten(cells[bad])}' is not a finite number.");
            }

            int skip = cells.Length == featureCount + 1 ? 1 : 0;
            if (cells.Length - skip != featureCount)
            {
                throw new CliException(ExitCodes.BadUsage, $"--input: '{path}' line {lineNumber}: {cells.Length} values, but the model reads {featureCount} features (or a label and {featureCount} features).");
            }

            features.AddRange(values.AsSpan(skip));
            rows++;
        }

        if (rows == 0)
        {
            throw new CliException(ExitCodes.BadUsage, $"--input: '{path}' has no rows.");
        }

        return (features.ToArray(), rows);
    }

    /// <summary>A cell as quoted in an error: long cells are cut, so a binary file does not flood the terminal.</summary>
    private static string Shorten(string cell) => cell.Length <= 40 ? cell : cell[..40] + "...";

    /// <summary>Reads a LIBSVM file as sparse rows for a sparse model (ids below <paramref name="featureCount"/>).</summary>
    /// <exception cref="CliException">The file is missing, malformed or empty (exit 2; names file and line).</exception>
    public static SparseDataset<int> ReadSparse(string path, int featureCount, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new CliException(ExitCodes.BadUsage, $"--input: '{path}' does not exist.");
        }

        if (Path.GetExtension(path).Equals(".csv", StringComparison.OrdinalIgnoreCase))
        {
            throw new CliException(ExitCodes.BadUsage, $"--input: '{path}' is a CSV file, but the model reads sparse rows: give a LIBSVM file.");
        }

        return ReadLibSvmRows(path, featureCount, cancellationToken);
    }

    private static (float[] Features, int Rows) ReadLibSvm(string path, int featureCount, CancellationToken cancellationToken)
    {
        SparseDataset<int> sparse = ReadLibSvmRows(path, featureCount, cancellationToken);
        var dense = new float[(long)sparse.RowCount * featureCount];
        for (int row = 0; row < sparse.RowCount; row++)
        {
            ReadOnlySpan<int> indices = sparse.RowIndices(row);
            ReadOnlySpan<float> values = sparse.RowValues(row);
            for (int i = 0; i < indices.Length; i++)
            {
                dense[((long)row * featureCount) + indices[i]] = values[i];
            }
        }

        return (dense, sparse.RowCount);
    }

    private static SparseDataset<int> ReadLibSvmRows(string path, int featureCount, CancellationToken cancellationToken)
    {
        SparseDataset<int> sparse;
        try
        {
            sparse = LibSvmReader.Read(path, new LibSvmReaderOptions { FeatureCount = featureCount }, cancellationToken).Dataset;
        }
        catch (DataFormatException exception)
        {
            // Worded like the CSV errors: file, line, then where in the line.
            throw new CliException(ExitCodes.BadUsage, $"--input: '{exception.FilePath}' line {exception.Line} column {exception.Column}: {exception.Reason}.", exception);
        }

        return sparse.RowCount == 0
            ? throw new CliException(ExitCodes.BadUsage, $"--input: '{path}' has no rows.")
            : sparse;
    }
}
