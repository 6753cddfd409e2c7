using Parquet;
using Parquet.Schema;

namespace OrleansML.Learning.Data.Import;

/// <summary>
/// Rows of a Parquet file, one row group in memory at a time: either numeric scalar columns plus a label column, or
/// one list column of numbers plus a label column (Spark MLlib's layout). Errors read "file: row N, column 'x': reason".
/// </summary>
internal sealed class ParquetRowSource : RowSource
{
    private readonly FileStream _stream;
    private readonly ParquetReader _reader;
    private readonly DataField _label;
    private readonly DataField[] _features;
    private readonly bool _isList;
    private readonly long _totalRows;
    private readonly long _fileBytes;
    private float[][] _columns = [];
    private float[] _listValues = [];
    private int[] _listStarts = [];
    private RowLabel[] _labels = [];
    private float[] _row = [];
    private int _group = -1;
    private long _groupRows;
    private long _groupRow;
    private long _rowsBeforeGroup;

    private ParquetRowSource(string filePath, FileStream stream, ParquetReader reader, DataField label, DataField[] features, bool isList)
        : base(filePath)
    {
        (_stream, _reader, _label, _features, _isList) = (stream, reader, label, features, isList);
        _fileBytes = stream.Length;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            _totalRows += reader.OpenRowGroupReader(g).RowCount;
        }

        if (!isList)
        {
            _row = new float[features.Length];
        }
    }

    public override ModelInput Input => ModelInput.Dense;

    /// <summary>Known once the first row is read for a list column.</summary>
    public override int ColumnCount => _row.Length;

    public override string LabelColumn => _label.Name;

    public override long BytesRead => _totalRows == 0 ? _fileBytes : (long)((double)_fileBytes * Row / _totalRows);

    public override ReadOnlySpan<float> DenseValues => _row;

    public static async Task<ParquetRowSource> OpenAsync(string filePath, string? labelName, CancellationToken cancellationToken)
    {
        FileStream stream = InputFile.OpenRead(filePath);
        ParquetReader reader;
        try
        {
            reader = await ParquetReader.CreateAsync(stream, null, leaveStreamOpen: true, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            await stream.DisposeAsync();
            throw new DataFormatException(filePath, 0, 0, $"is not a readable Parquet file: {Excerpt.Of(exception.Message)}", exception);
        }

        try
        {
            DataField[] fields = reader.Schema.GetDataFields();
            DataField label = PickLabel(filePath, fields, labelName);
            DataField[] features = fields.Where(f => !ReferenceEquals(f, label)).ToArray();
            DataField[] lists = features.Where(f => f.MaxRepetitionLevel > 0).ToArray();
            if (label.MaxRepetitionLevel > 0)
            {
                throw Error(filePath, 0, label.Name, "the label column is a list; it must hold one value per row");
            }

            bool isList = lists.Length > 0;
            if (isList && features.Length != 1)
            {
                throw Error(filePath, 0, lists[0].Name, $"a list column of features must be the only feature column; the file also has {Excerpt.Of(string.Join(", ", features.Where(f => f.MaxRepetitionLevel == 0).Select(f => f.Name)))}");
            }

            if (features.Length == 0)
            {
                throw Error(filePath, 0, label.Name, "the file has no feature column besides the label");
            }

            foreach (DataField feature in features)
            {
                if (!ParquetColumns.IsNumeric(feature.ClrType))
                {
                    throw Error(filePath, 0, feature.Name, $"feature columns must be numeric; this one holds {feature.ClrType.Name} values");
                }
            }

            return new ParquetRowSource(filePath, stream, reader, label, features, isList);
        }
        catch
        {
            await reader.DisposeAsync();
            await stream.DisposeAsync();
            throw;
        }
    }

    public override async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken)
    {
        while (_groupRow == _groupRows)
        {
            if (_group + 1 >= _reader.RowGroupCount)
            {
                return false;
            }

            _rowsBeforeGroup += _groupRows;
            _group++;
            await LoadGroupAsync(cancellationToken);
        }

        int r = (int)_groupRow;
        Row++;
        _groupRow++;
        Label = _labels[r];
        if (_isList)
        {
            int length = _listStarts[r + 1] - _listStarts[r];
            if (Row == 1)
            {
                _row = new float[length];
            }

            if (length != _row.Length)
            {
                throw Error(FilePath, Row, _features[0].Name, $"the list has {length} values; the first row's has {_row.Length}");
            }

            _listValues.AsSpan(_listStarts[r], length).CopyTo(_row);
        }
        else
        {
            for (int c = 0; c < _columns.Length; c++)
            {
                _row[c] = _columns[c][r];
            }
        }

        return true;
    }

    public override DataFormatException LabelError(string reason) => Error(FilePath, Row, _label.Name, reason);

    public override DataFormatException RowError(string reason) => Error(FilePath, Math.Max(Row, 1), _features[0].Name, reason);

    public override async ValueTask DisposeAsync()
    {
        await _reader.DisposeAsync();
        await _stream.DisposeAsync();
    }

    private static DataFormatException Error(string filePath, long row, string column, string reason) =>
        new(filePath, 0, 0, row > 0 ? $"row {row}, column '{Excerpt.Of(column)}': {reason}" : $"column '{Excerpt.Of(column)}': {reason}");

    private static DataField PickLabel(string filePath, DataField[] fields, string? labelName)
    {
        if (fields.Length == 0)
        {
            throw new DataFormatException(filePath, 0, 0, "the file has no columns");
        }

        if (labelName is not null)
        {
            return fields.FirstOrDefault(f => f.Name == labelName)
                ?? throw new DataFormatException(filePath, 0, 0, $"there is no column named '{Excerpt.Of(labelName)}'; the columns are {Excerpt.Of(string.Join(", ", fields.Select(f => f.Name)))}");
        }

        foreach (string name in (string[])["label", "target", "class", "y"])
        {
            if (fields.FirstOrDefault(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is { } found)
            {
                return found;
            }
        }

        return fields[^1];
    }

    private async Task LoadGroupAsync(CancellationToken cancellationToken)
    {
        try
        {
            ParquetRowGroupReader group = _reader.OpenRowGroupReader(_group);
            _groupRows = group.RowCount;
            _groupRow = 0;
            int rows = checked((int)_groupRows);
            _labels = await ReadLabelsAsync(group, rows, cancellationToken);
            if (_isList)
            {
                DataField list = _features[0];
                (_listValues, _listStarts) = await ParquetColumns.ReadListAsync(group, list, rows, (r, reason) => At(r, list, reason), cancellationToken);
            }
            else
            {
                _columns = new float[_features.Length][];
                for (int c = 0; c < _features.Length; c++)
                {
                    DataField field = _features[c];
                    double[] values = await ParquetColumns.ReadScalarAsync(group, field, rows, (r, reason) => At(r, field, reason), cancellationToken);
                    _columns[c] = ParquetColumns.ToFloats(values, (r, reason) => At(r, field, reason));
                }
            }
        }
        catch (Exception exception) when (exception is not (DataFormatException or OperationCanceledException))
        {
            throw new DataFormatException(FilePath, 0, 0, $"row group {_group} cannot be read: {Excerpt.Of(exception.Message)}", exception);
        }
    }

    private async Task<RowLabel[]> ReadLabelsAsync(ParquetRowGroupReader group, int rows, CancellationToken cancellationToken)
    {
        var labels = new RowLabel[rows];
        if (ParquetColumns.IsText(_label.ClrType))
        {
            string?[] text = new string?[rows];
            await group.ReadAsync(_label, text.AsMemory(), null, cancellationToken);
            for (int r = 0; r < rows; r++)
            {
                labels[r] = text[r] is { } value ? RowLabel.Parse(value) : throw At(r, _label, "the label is missing (null)");
            }

            return labels;
        }

        if (!ParquetColumns.IsNumeric(_label.ClrType))
        {
            throw Error(FilePath, 0, _label.Name, $"the label column must hold numbers or strings, not {_label.ClrType.Name} values");
        }

        double[] values = await ParquetColumns.ReadScalarAsync(group, _label, rows, (r, reason) => At(r, _label, reason), cancellationToken);
        for (int r = 0; r < rows; r++)
        {
            labels[r] = new RowLabel(values[r], null);
        }

        return labels;
    }

    /// <summary>An error at row <paramref name="groupRow"/> (0-based) of the current row group.</summary>
    private DataFormatException At(int groupRow, DataField field, string reason) => Error(FilePath, _rowsBeforeGroup + groupRow + 1, field.Name, reason);
}
