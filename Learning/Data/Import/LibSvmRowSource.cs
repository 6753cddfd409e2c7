namespace OrleansML.Learning.Data.Import;

/// <summary>
/// Rows of LIBSVM/SVMlight text. Ids must increase strictly within a row. With a known index base the ids come out
/// 0-based and checked against the feature count; with <see cref="LibSvmIndexBase.Auto"/> they come out as written
/// and the source records what decides the base (an id 0) and the largest id with its place.
/// </summary>
internal sealed class LibSvmRowSource : TextRowSource
{
    private readonly LibSvmIndexBase _indexBase;
    private readonly long? _featureCount;
    private int[] _indices = new int[64];
    private float[] _values = new float[64];
    private int _count;

    public LibSvmRowSource(string filePath, LibSvmIndexBase indexBase, long? featureCount)
        : base(filePath, OpenReader(filePath))
    {
        _indexBase = indexBase;
        _featureCount = featureCount;
    }

    public override ModelInput Input => ModelInput.Sparse;

    public override int ColumnCount => 0;

    public override ReadOnlySpan<int> SparseIndices => _indices.AsSpan(0, _count);

    public override ReadOnlySpan<float> SparseValues => _values.AsSpan(0, _count);

    /// <summary>Whether any row so far had an id 0 (which makes an <see cref="LibSvmIndexBase.Auto"/> file 0-based).</summary>
    public bool SawZeroId { get; private set; }

    /// <summary>The largest id as written, and where; -1 before any.</summary>
    public long LargestId { get; private set; } = -1;

    public long LargestIdLine { get; private set; }

    public long LargestIdColumn { get; private set; }

    public override ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken)
    {
        if (!TryReadDataLine(stripComments: true, cancellationToken, out ReadOnlySpan<char> line))
        {
            return ValueTask.FromResult(false);
        }

        Row++;
        ParseRow(line);
        return ValueTask.FromResult(true);
    }

    public override DataFormatException LabelError(string reason) => Error(LabelColumnStart, reason);

    private long LabelColumnStart { get; set; }

    private void ParseRow(ReadOnlySpan<char> line)
    {
        int position = 0;
        TextTokens.Next(line, ref position, out int start, out int length);
        LabelColumnStart = start + 1;
        Label = RowLabel.Parse(line.Slice(start, length));
        _count = 0;
        long previous = -1;
        while (TextTokens.Next(line, ref position, out start, out length))
        {
            ReadOnlySpan<char> token = line.Slice(start, length);
            long column = start + 1;
            if (token.StartsWith("qid:", StringComparison.Ordinal))
            {
                continue;
            }

            int colon = token.IndexOf(':');
            if (colon <= 0)
            {
                throw Error(column, $"token '{Excerpt.Of(token)}' is not of the form index:value");
            }

            ReadOnlySpan<char> idText = token[..colon];
            if (!FastNumberParser.TryParseNonNegativeInt64(idText, out long id))
            {
                throw Error(column, $"feature index '{Excerpt.Of(idText)}' is not a non-negative integer");
            }

            if (id > int.MaxValue)
            {
                throw Error(column, $"feature index {id} does not fit 32-bit ids (hash the features first)");
            }

            if (id <= previous)
            {
                throw Error(column, $"indices must increase ({previous} then {id})");
            }

            previous = id;
            long zeroBased = CheckRange(id, column);
            ReadOnlySpan<char> valueText = token[(colon + 1)..];
            if (!FastNumberParser.TryParseFloat(valueText, out float value) || !float.IsFinite(value))
            {
                throw Error(column + colon + 1, $"value '{Excerpt.Of(valueText)}' is not a finite number");
            }

            if (id == 0)
            {
                SawZeroId = true;
            }

            if (id > LargestId)
            {
                (LargestId, LargestIdLine, LargestIdColumn) = (id, Line, column);
            }

            Append((int)zeroBased, value);
        }
    }

    /// <summary>The id 0-based when the base is known (checked against the feature count), else as written.</summary>
    private long CheckRange(long id, long column)
    {
        switch (_indexBase)
        {
            case LibSvmIndexBase.One when id == 0:
                throw Error(column, "feature index 0 in a 1-based file");
            case LibSvmIndexBase.Auto:
                return id;
        }

        long zeroBased = _indexBase == LibSvmIndexBase.One ? id - 1 : id;
        if (_featureCount is long count && zeroBased >= count)
        {
            throw Error(column, $"feature index {id} is out of range: the dataset has {count} features ({(_indexBase == LibSvmIndexBase.One ? "1-based: 1.." + count : "0-based: 0.." + (count - 1))})");
        }

        return zeroBased;
    }

    private void Append(int id, float value)
    {
        if (_count == _indices.Length)
        {
            Array.Resize(ref _indices, _count * 2);
            Array.Resize(ref _values, _count * 2);
        }

        _indices[_count] = id;
        _values[_count] = value;
        _count++;
    }
}
