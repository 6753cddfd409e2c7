using OrleansML.Learning.Data.Readers;
using System.Numerics;
using OrleansML.Learning.Models;
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
                if (!IsNumeric(feature.ClrType))
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

    private static bool IsText(Type type) => type == typeof(string) || type == typeof(ReadOnlyMemory<char>);

    private static bool IsNumeric(Type type) =>
        type == typeof(float) || type == typeof(double) || type == typeof(int) || type == typeof(long) || type == typeof(short)
        || type == typeof(byte) || type == typeof(sbyte) || type == typeof(ushort) || type == typeof(uint) || type == typeof(ulong);

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
                (_listValues, _listStarts) = await ReadListAsync(group, _features[0], rows, cancellationToken);
            }
            else
            {
                _columns = new float[_features.Length][];
                for (int c = 0; c < _features.Length; c++)
                {
                    (_columns[c], _) = await ReadNumbersAsync(group, _features[c], rows, cancellationToken);
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
        if (IsText(_label.ClrType))
        {
            string?[] text = new string?[rows];
            await group.ReadAsync(_label, text.AsMemory(), null, cancellationToken);
            for (int r = 0; r < rows; r++)
            {
                labels[r] = text[r] is { } value ? RowLabel.Parse(value) : throw Error(FilePath, _rowsBeforeGroup + r + 1, _label.Name, "the label is missing (null)");
            }

            return labels;
        }

        if (!IsNumeric(_label.ClrType))
        {
            throw Error(FilePath, 0, _label.Name, $"the label column must hold numbers or strings, not {_label.ClrType.Name} values");
        }

        (float[] values, _) = await ReadNumbersAsync(group, _label, rows, cancellationToken, asDouble: true);
        for (int r = 0; r < rows; r++)
        {
            labels[r] = new RowLabel(_doubles![r], null);
        }

        return labels;
    }

    private double[]? _doubles;

    /// <summary>A scalar column as float (and, for labels, as double); a null is an error naming its row.</summary>
    private async Task<(float[] Values, int Count)> ReadNumbersAsync(ParquetRowGroupReader group, DataField field, int rows, CancellationToken cancellationToken, bool asDouble = false)
    {
        (double[] values, int[]? definitions) = await ReadRawAsync(group, field, cancellationToken);
        if (definitions is not null)
        {
            for (int r = 0; r < definitions.Length; r++)
            {
                if (definitions[r] < field.MaxDefinitionLevel)
                {
                    throw Error(FilePath, _rowsBeforeGroup + r + 1, field.Name, "missing value (null)");
                }
            }
        }

        if (values.Length != rows)
        {
            throw Error(FilePath, _rowsBeforeGroup + 1, field.Name, $"the row group holds {values.Length} values for {rows} rows");
        }

        if (asDouble)
        {
            _doubles = values;
            return ([], rows);
        }

        var floats = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            floats[r] = (float)values[r];
            if (!float.IsFinite(floats[r]))
            {
                throw Error(FilePath, _rowsBeforeGroup + r + 1, field.Name, $"value {values[r]} is not a finite float32 value");
            }
        }

        return (floats, rows);
    }

    private async Task<(float[] Values, int[] Starts)> ReadListAsync(ParquetRowGroupReader group, DataField field, int rows, CancellationToken cancellationToken)
    {
        (double[] values, int[]? definitions, int[] repetitions) = await ReadRawWithRepetitionAsync(group, field, cancellationToken);
        var starts = new int[rows + 1];
        var floats = new float[values.Length];
        int row = -1, next = 0;
        for (int slot = 0; slot < repetitions.Length; slot++)
        {
            if (repetitions[slot] == 0)
            {
                row++;
                if (row >= rows)
                {
                    throw Error(FilePath, _rowsBeforeGroup + rows, field.Name, "the list column holds more rows than the row group");
                }

                starts[row] = next;
            }

            if (definitions is not null && definitions[slot] < field.MaxDefinitionLevel)
            {
                // An empty or null list has one slot without a value; a null inside a list is a missing feature.
                if (repetitions[slot] != 0 || (slot + 1 < repetitions.Length && repetitions[slot + 1] != 0))
                {
                    throw Error(FilePath, _rowsBeforeGroup + row + 1, field.Name, "a list element is missing (null)");
                }

                continue;
            }

            float value = (float)values[next];
            if (!float.IsFinite(value))
            {
                throw Error(FilePath, _rowsBeforeGroup + row + 1, field.Name, $"value {values[next]} is not a finite float32 value");
            }

            floats[next++] = value;
        }

        for (int r = row + 1; r <= rows; r++)
        {
            starts[r] = next;
        }

        return (floats, starts);
    }

    private static async Task<(double[] Values, int[]? Definitions)> ReadRawAsync(ParquetRowGroupReader group, DataField field, CancellationToken cancellationToken)
    {
        (double[] values, int[]? definitions, _) = await ReadRawWithRepetitionAsync(group, field, cancellationToken);
        return (values, definitions);
    }

    private static Task<(double[] Values, int[]? Definitions, int[] Repetitions)> ReadRawWithRepetitionAsync(ParquetRowGroupReader group, DataField field,
        CancellationToken cancellationToken)
    {
        Type type = field.ClrType;
        return type == typeof(float) ? Read<float>(group, field, cancellationToken)
            : type == typeof(double) ? Read<double>(group, field, cancellationToken)
            : type == typeof(int) ? Read<int>(group, field, cancellationToken)
            : type == typeof(long) ? Read<long>(group, field, cancellationToken)
            : type == typeof(short) ? Read<short>(group, field, cancellationToken)
            : type == typeof(byte) ? Read<byte>(group, field, cancellationToken)
            : type == typeof(sbyte) ? Read<sbyte>(group, field, cancellationToken)
            : type == typeof(ushort) ? Read<ushort>(group, field, cancellationToken)
            : type == typeof(uint) ? Read<uint>(group, field, cancellationToken)
            : Read<ulong>(group, field, cancellationToken);
    }

    private static async Task<(double[] Values, int[]? Definitions, int[] Repetitions)> Read<T>(ParquetRowGroupReader group, DataField field,
        CancellationToken cancellationToken)
        where T : struct, INumberBase<T>
    {
        int slots = checked((int)group.GetMetadata(field)!.MetaData!.NumValues);
        T[] raw = new T[slots];
        int[]? definitions = field.MaxDefinitionLevel > 0 ? new int[slots] : null;
        int[] repetitions = field.MaxRepetitionLevel > 0 ? new int[slots] : [];
        await group.ReadRawAsync<T>(field, raw.AsMemory(), definitions?.AsMemory(), field.MaxRepetitionLevel > 0 ? repetitions.AsMemory() : (Memory<int>?)null, cancellationToken);
        // Raw values are packed: only slots defined down to the leaf hold one.
        int valueCount = definitions is null ? slots : definitions.Count(level => level == field.MaxDefinitionLevel);
        double[] values = new double[valueCount];
        for (int i = 0; i < valueCount; i++)
        {
            values[i] = double.CreateSaturating(raw[i]);
        }

        return (values, definitions, repetitions);
    }
}
