namespace OrleansML.Learning.Data.Readers;

/// <summary>
/// Parses LIBSVM/SVMlight text into CSR arrays. Ids are kept as written (raw) until the end, because in
/// <see cref="LibSvmIndexBase.Auto"/> mode the base is only known once every line has been seen.
/// </summary>
internal sealed class LibSvmParser<TIndex> where TIndex : unmanaged, IBinaryInteger<TIndex>
{
    private readonly string _filePath;
    private readonly LibSvmReaderOptions _options;
    private readonly SkipLog _skips;
    private readonly long _maxRawId;
    private readonly List<int> _rowPointers = [0];
    private readonly List<TIndex> _indices = [];
    private readonly List<float> _values = [];
    private readonly List<float> _labels = [];
    private bool _sawZeroId;
    private long _largestRawId = -1;
    private long _largestRawIdLine;
    private long _largestRawIdColumn;
    private long _firstZeroIdLine;
    private long _firstZeroIdColumn;

    public LibSvmParser(string filePath, LibSvmReaderOptions options)
    {
        _filePath = filePath;
        _options = options;
        _skips = new SkipLog(filePath, options);
        // 32-bit output: a raw id must itself fit, so that subtracting the base can never overflow.
        _maxRawId = typeof(TIndex) == typeof(int) ? int.MaxValue : long.MaxValue;
    }

    public DataReadResult<SparseDataset<TIndex>> Read(TextReader reader, CancellationToken cancellationToken)
    {
        long lineNumber = 0;
        var lines = new LineReader(reader);
        while (lines.TryReadDataLine(ref lineNumber, stripComments: true, out ReadOnlySpan<char> line, cancellationToken))
        {
            int rowStart = _indices.Count;
            if (ParseRow(line, lineNumber, out long column, out string? reason))
            {
                _rowPointers.Add(_indices.Count);
            }
            else
            {
                // Undo the partial row before deciding: a skipped row must leave no trace in the arrays.
                _indices.RemoveRange(rowStart, _indices.Count - rowStart);
                _values.RemoveRange(rowStart, _values.Count - rowStart);
                if (_labels.Count == _rowPointers.Count)
                {
                    _labels.RemoveAt(_labels.Count - 1);
                }

                _skips.Reject(lineNumber, column, reason!);
            }
        }

        if (_labels.Count == 0)
        {
            throw _skips.NoRows();
        }

        return new DataReadResult<SparseDataset<TIndex>>(Build(), _skips.Count, _skips.First);
    }

    private bool ParseRow(ReadOnlySpan<char> line, long lineNumber, out long column, out string? reason)
    {
        int position = 0;
        TextTokens.Next(line, ref position, out int start, out int length);
        column = start + 1;
        reason = LabelParser.TryParse(line.Slice(start, length), _options, out float label);
        if (reason is not null)
        {
            return false;
        }

        _labels.Add(label);
        bool rowHasZeroId = false;
        long rowLargestId = -1, rowLargestLine = 0, rowLargestColumn = 0, rowZeroColumn = 0, previousId = -1;
        while (TextTokens.Next(line, ref position, out start, out length))
        {
            ReadOnlySpan<char> token = line.Slice(start, length);
            column = start + 1;
            if (token.StartsWith("qid:", StringComparison.Ordinal))
            {
                continue;
            }

            int colon = token.IndexOf(':');
            if (colon <= 0)
            {
                reason = $"token '{Excerpt.Of(token)}' is not of the form id:value";
                return false;
            }

            ReadOnlySpan<char> idText = token[..colon];
            if (!FastNumberParser.TryParseNonNegativeInt64(idText, out long rawId))
            {
                reason = $"feature id '{Excerpt.Of(idText)}' is not a non-negative integer";
                return false;
            }

            if (rawId <= previousId)
            {
                reason = $"indices must increase ({previousId} then {rawId})";
                return false;
            }

            previousId = rawId;
            reason = CheckId(rawId);
            if (reason is not null)
            {
                return false;
            }

            ReadOnlySpan<char> valueText = token[(colon + 1)..];
            if (!FastNumberParser.TryParseFloat(valueText, out float value))
            {
                column += colon + 1;
                reason = $"value '{Excerpt.Of(valueText)}' is not a number";
                return false;
            }

            if (!float.IsFinite(value) && !_options.AllowNonFiniteValues)
            {
                column += colon + 1;
                reason = $"value '{Excerpt.Of(valueText)}' is not finite (set AllowNonFiniteValues to accept it)";
                return false;
            }

            if (rawId == 0)
            {
                (rowHasZeroId, rowZeroColumn) = (true, column);
            }

            if (rawId > rowLargestId)
            {
                (rowLargestId, rowLargestLine, rowLargestColumn) = (rawId, lineNumber, column);
            }

            _indices.Add(TIndex.CreateTruncating(rawId));
            _values.Add(value);
        }

        // Only rows that are kept may influence the base and the feature count.
        if (rowHasZeroId && !_sawZeroId)
        {
            (_sawZeroId, _firstZeroIdLine, _firstZeroIdColumn) = (true, lineNumber, rowZeroColumn);
        }

        if (rowLargestId > _largestRawId)
        {
            (_largestRawId, _largestRawIdLine, _largestRawIdColumn) = (rowLargestId, rowLargestLine, rowLargestColumn);
        }

        return true;
    }

    private string? CheckId(long rawId)
    {
        if (rawId > _maxRawId)
        {
            return $"feature id {rawId} does not fit 32-bit ids (read with LibSvmReader.ReadWideIds, then hash with FeatureHasher)";
        }

        if (rawId == 0 && _options.IndexBase == LibSvmIndexBase.One)
        {
            return "feature id 0 in a file read as one-based (IndexBase = One)";
        }

        if (_options.FeatureCount is long count)
        {
            // In Auto mode the base is unknown yet: only ids beyond count are out of range under both bases;
            // the id equal to count is checked once the base is known.
            long firstInvalidRaw = _options.IndexBase == LibSvmIndexBase.Zero ? count : count + 1;
            if (rawId >= firstInvalidRaw)
            {
                return $"feature id {rawId} is out of range: FeatureCount is {count} ({DescribeBase()})";
            }
        }

        return null;
    }

    private string DescribeBase() => _options.IndexBase switch
    {
        LibSvmIndexBase.Zero => "ids are zero-based",
        LibSvmIndexBase.One => "ids are one-based",
        _ => "ids are one-based unless some id is 0",
    };

    private SparseDataset<TIndex> Build()
    {
        int indexBase = _options.IndexBase switch
        {
            LibSvmIndexBase.Zero => 0,
            LibSvmIndexBase.One => 1,
            _ => _sawZeroId ? 0 : 1,
        };

        long featureCount = Math.Max(1, _largestRawId + 1 - indexBase);
        if (_options.FeatureCount is long given)
        {
            if (featureCount > given && _options.IndexBase == LibSvmIndexBase.Auto && _largestRawId <= given)
            {
                // The ids reach FeatureCount, so the file is 1-based: the id 0 is the mistake, not the largest id.
                throw new DataFormatException(_filePath, _firstZeroIdLine, _firstZeroIdColumn,
                    $"feature index 0 in a 1-based file (its ids reach {_largestRawId} = FeatureCount)");
            }

            if (featureCount > given)
            {
                throw new DataFormatException(_filePath, _largestRawIdLine, _largestRawIdColumn,
                    $"feature id {_largestRawId} is out of range: FeatureCount is {given} and the file is zero-based (it contains id 0)");
            }

            featureCount = given;
        }

        Span<TIndex> ids = CollectionsMarshal.AsSpan(_indices);
        if (indexBase == 1)
        {
            for (int i = 0; i < ids.Length; i++)
            {
                Debug.Assert(ids[i] > TIndex.Zero);
                ids[i] -= TIndex.One;
            }
        }

        return new SparseDataset<TIndex>([.. _rowPointers], [.. _indices], [.. _values], [.. _labels], featureCount);
    }
}
