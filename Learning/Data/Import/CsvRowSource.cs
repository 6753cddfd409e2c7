namespace OrleansML.Learning.Data.Import;

/// <summary>
/// Rows of delimited text: numeric feature fields and one label field (a number or a class name). The first non-blank
/// line fixes the delimiter, whether it is a header, the label column and the field count.
/// </summary>
internal sealed class CsvRowSource : TextRowSource
{
    private static readonly string[] LabelNames = ["label", "target", "class", "y"];
    private readonly char _delimiter;
    private readonly int _fieldCount;
    private readonly int _labelField;
    private readonly float[] _row;
    private string? _pendingFirstLine;
    private long _labelColumnPosition;

    private CsvRowSource(string filePath, StreamReader reader, LineReader lines, char delimiter, int fieldCount, int labelField,
        string labelColumn, string? pendingFirstLine, long line)
        : base(filePath, reader, lines, line)
    {
        (_delimiter, _fieldCount, _labelField) = (delimiter, fieldCount, labelField);
        (LabelColumn, _pendingFirstLine) = (labelColumn, pendingFirstLine);
        _row = new float[fieldCount - 1];
    }

    public override ModelInput Input => ModelInput.Dense;

    public override int ColumnCount => _fieldCount - 1;

    public override string LabelColumn { get; }

    public override ReadOnlySpan<float> DenseValues => _row;

    /// <summary>Opens the file and reads up to its first data line to settle the layout.</summary>
    public static CsvRowSource Open(string filePath, char? delimiterOption, bool? hasHeaderOption, string? labelName, int? labelIndex)
    {
        StreamReader reader = OpenReader(filePath);
        try
        {
            var lines = new LineReader(reader);
            long line = 0;
            if (!lines.TryReadDataLine(ref line, stripComments: false, out ReadOnlySpan<char> first, CancellationToken.None))
            {
                throw new DataFormatException(filePath, 0, 0, "the file holds no data rows (only blank lines)");
            }

            char delimiter = delimiterOption ?? (first.Contains(',') ? ',' : first.Contains('\t') ? '\t' : first.Contains(';') ? ';' : ',');
            string[] fields = first.ToString().Split(delimiter);
            if (fields.Length < 2)
            {
                throw new DataFormatException(filePath, line, 1,
                    $"a row needs a label and at least one feature; found 1 field (is the delimiter '{Printable(delimiter)}' right? set Delimiter)");
            }

            bool header = hasHeaderOption ?? LooksLikeHeader(fields);
            int labelField = ResolveLabel(filePath, line, fields, header, labelName, labelIndex);
            string labelColumn = header ? fields[labelField].Trim().Trim('"') : $"#{labelField}";
            string? pending = header ? null : first.ToString();
            return new CsvRowSource(filePath, reader, lines, delimiter, fields.Length, labelField, labelColumn, pending, header ? line : line - 1);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    public override ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken)
    {
        ReadOnlySpan<char> text;
        if (_pendingFirstLine is not null)
        {
            text = _pendingFirstLine;
            _pendingFirstLine = null;
            Line++;
        }
        else if (!TryReadDataLine(stripComments: false, cancellationToken, out text))
        {
            return ValueTask.FromResult(false);
        }

        Row++;
        ParseRow(text);
        return ValueTask.FromResult(true);
    }

    public override DataFormatException LabelError(string reason) => Error(_labelColumnPosition, reason);

    private void ParseRow(ReadOnlySpan<char> line)
    {
        int field = 0, feature = 0, start = 0;
        while (true)
        {
            int length = line[start..].IndexOf(_delimiter);
            bool last = length < 0;
            if (field == _fieldCount)
            {
                throw Error(start + 1, $"expected {_fieldCount} fields, found more");
            }

            ReadOnlySpan<char> token = (last ? line[start..] : line.Slice(start, length)).Trim();
            if (field == _labelField)
            {
                _labelColumnPosition = start + 1;
                if (token.IsEmpty)
                {
                    throw Error(start + 1, "the label is empty (missing value)");
                }

                Label = RowLabel.Parse(token);
            }
            else
            {
                _row[feature++] = ParseFeature(token, start + 1);
            }

            field++;
            if (last)
            {
                if (field != _fieldCount)
                {
                    throw Error(line.Length + 1, $"expected {_fieldCount} fields, found {field}");
                }

                return;
            }

            start += length + 1;
        }
    }

    private float ParseFeature(ReadOnlySpan<char> token, long column)
    {
        if (token.IsEmpty)
        {
            throw Error(column, "empty field (missing value)");
        }

        if (!FastNumberParser.TryParseFloat(token, out float value))
        {
            throw Error(column, $"field '{Excerpt.Of(token)}' is not a number");
        }

        if (!float.IsFinite(value))
        {
            throw Error(column, $"field '{Excerpt.Of(token)}' is not a finite float32 value");
        }

        return value;
    }

    /// <summary>A header has at least two fields that are not numbers (a data row has at most one: its label).</summary>
    private static bool LooksLikeHeader(string[] fields) =>
        fields.Count(f => !double.TryParse(f.Trim().Trim('"'), NumberStyles.Float, CultureInfo.InvariantCulture, out _)) >= 2;

    private static int ResolveLabel(string filePath, long line, string[] fields, bool header, string? labelName, int? labelIndex)
    {
        if (labelName is not null)
        {
            if (!header)
            {
                throw new DataFormatException(filePath, line, 1, $"label column '{Excerpt.Of(labelName)}' is given by name but the file has no header line (set LabelColumnIndex, or HasHeader)");
            }

            int named = Array.FindIndex(fields, f => f.Trim().Trim('"').Equals(labelName, StringComparison.Ordinal));
            return named >= 0 ? named
                : throw new DataFormatException(filePath, line, 1, $"the header has no column named '{Excerpt.Of(labelName)}'; it has: {Excerpt.Of(string.Join(", ", fields))}");
        }

        if (labelIndex is int index)
        {
            return index < fields.Length ? index
                : throw new DataFormatException(filePath, line, 1, $"label column index {index} is beyond the {fields.Length} columns (indices start at 0)");
        }

        if (header)
        {
            foreach (string name in LabelNames)
            {
                int found = Array.FindIndex(fields, f => f.Trim().Trim('"').Equals(name, StringComparison.OrdinalIgnoreCase));
                if (found >= 0)
                {
                    return found;
                }
            }
        }

        return fields.Length - 1;
    }

    private static string Printable(char c) => c == '\t' ? "\\t" : c.ToString();
}
