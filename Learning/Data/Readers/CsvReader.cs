namespace OrleansML.Learning.Data.Readers;

/// <summary>
/// Reads delimited text with numeric fields into a <see cref="DenseDataset"/>: one column is the label,
/// every other column a feature. Blank lines are ignored; quoted or empty fields are errors (numeric data only).
/// </summary>
public static class CsvReader
{
    /// <summary>Reads a CSV file.</summary>
    public static DataReadResult<DenseDataset> Read(string filePath, CsvReaderOptions? options = null, CancellationToken cancellationToken = default)
    {
        using StreamReader reader = LibSvmReader.OpenText(filePath);
        return Read(reader, filePath, options, cancellationToken);
    }

    /// <summary>Reads CSV text; <paramref name="displayName"/> names the source in errors.</summary>
    public static DataReadResult<DenseDataset> Read(TextReader reader, string displayName, CsvReaderOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(displayName);
        options ??= new CsvReaderOptions();
        var skips = new SkipLog(displayName, options);
        var features = new List<float>();
        var labels = new List<float>();
        int fieldCount = -1;
        int labelColumn = options.LabelColumnIndex;
        float[] rowBuffer = [];
        long lineNumber = 0;
        var lines = new LineReader(reader);
        while (lines.TryReadDataLine(ref lineNumber, stripComments: false, out ReadOnlySpan<char> line, cancellationToken))
        {
            if (fieldCount < 0)
            {
                fieldCount = CountFields(line, options.Delimiter);
                labelColumn = ResolveLabelColumn(line, lineNumber, fieldCount, displayName, options);
                if (fieldCount < 2)
                {
                    throw new DataFormatException(displayName, lineNumber, 1, $"a row needs a label and at least one feature; found {fieldCount} field(s) (is the delimiter '{options.Delimiter}' right?)");
                }

                rowBuffer = new float[fieldCount - 1];
                if (options.HasHeader)
                {
                    continue;
                }
            }

            if (ParseRow(line, options, fieldCount, labelColumn, rowBuffer, out float label, out long column) is { } reason)
            {
                skips.Reject(lineNumber, column, reason);
                continue;
            }

            features.AddRange(rowBuffer);
            labels.Add(label);
        }

        if (labels.Count == 0)
        {
            throw skips.NoRows();
        }

        var dataset = new DenseDataset([.. features], [.. labels], fieldCount - 1);
        return new DataReadResult<DenseDataset>(dataset, skips.Count, skips.First);
    }

    private static int CountFields(ReadOnlySpan<char> line, char delimiter) => line.Count(delimiter) + 1;

    private static int ResolveLabelColumn(ReadOnlySpan<char> firstLine, long lineNumber, int fieldCount, string displayName, CsvReaderOptions options)
    {
        if (options.LabelColumnName is { } name)
        {
            if (!options.HasHeader)
            {
                throw new ArgumentException("LabelColumnName needs HasHeader = true.", nameof(options));
            }

            int index = 0;
            foreach (Range range in firstLine.Split(options.Delimiter))
            {
                if (firstLine[range].Trim().Trim('"').SequenceEqual(name))
                {
                    return index;
                }

                index++;
            }

            throw new DataFormatException(displayName, lineNumber, 1, $"the header has no column named '{name}'");
        }

        if (options.LabelColumnIndex >= fieldCount)
        {
            throw new DataFormatException(displayName, lineNumber, 1, $"LabelColumnIndex {options.LabelColumnIndex} is beyond the {fieldCount} columns");
        }

        return options.LabelColumnIndex;
    }

    private static string? ParseRow(ReadOnlySpan<char> line, CsvReaderOptions options, int fieldCount, int labelColumn, float[] row, out float label, out long column)
    {
        label = 0f;
        int field = 0;
        int feature = 0;
        int start = 0;
        while (true)
        {
            column = start + 1;
            if (field == fieldCount)
            {
                return $"expected {fieldCount} fields, found more";
            }

            int length = line[start..].IndexOf(options.Delimiter);
            bool last = length < 0;
            ReadOnlySpan<char> token = (last ? line[start..] : line.Slice(start, length)).Trim();
            if (field == labelColumn)
            {
                if (LabelParser.TryParse(token, options, out label) is { } labelError)
                {
                    return labelError;
                }
            }
            else
            {
                if (token.IsEmpty)
                {
                    return "empty field (missing value)";
                }

                if (!FastNumberParser.TryParseFloat(token, out float value))
                {
                    return $"field '{Excerpt.Of(token)}' is not a number";
                }

                if (!float.IsFinite(value) && !options.AllowNonFiniteValues)
                {
                    return $"field '{Excerpt.Of(token)}' is not finite (set AllowNonFiniteValues to accept it)";
                }

                row[feature++] = value;
            }

            field++;
            if (last)
            {
                if (field != fieldCount)
                {
                    column = line.Length + 1;
                    return $"expected {fieldCount} fields, found {field}";
                }

                return null;
            }

            start += length + 1;
        }
    }
}
