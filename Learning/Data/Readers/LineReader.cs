namespace OrleansML.Learning.Data.Readers;

/// <summary>
/// Splits a <see cref="TextReader"/> into lines without allocating a string per line: each line is a span
/// over an internal buffer, valid until the next call. Accepts "\n" and "\r\n" endings; the buffer grows for long lines.
/// </summary>
internal sealed class LineReader
{
    private readonly TextReader _reader;
    private char[] _buffer;
    private int _start;
    private int _end;
    private bool _exhausted;

    public LineReader(TextReader reader, int initialBufferSize = 1 << 16)
    {
        _reader = reader;
        _buffer = new char[initialBufferSize];
    }

    /// <summary>
    /// The next line that is not blank once a '#' comment is cut (with <paramref name="stripComments"/>), counting every
    /// line read in <paramref name="lineNumber"/>; false at the end. Checks for cancellation every 4096 lines.
    /// </summary>
    public bool TryReadDataLine(scoped ref long lineNumber, bool stripComments, out ReadOnlySpan<char> line, CancellationToken cancellationToken)
    {
        do
        {
            if (!TryReadLine(out ReadOnlySpan<char> text))
            {
                line = default;
                return false;
            }

            if ((++lineNumber & 4095) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            line = stripComments ? TextTokens.StripComment(text) : text;
        }
        while (line.IsWhiteSpace());

        return true;
    }

    /// <summary>The next line without its ending; false at the end of the input.</summary>
    public bool TryReadLine(out ReadOnlySpan<char> line)
    {
        int searchFrom = _start;
        while (true)
        {
            int newline = _buffer.AsSpan(searchFrom, _end - searchFrom).IndexOf('\n');
            if (newline >= 0)
            {
                int lineEnd = searchFrom + newline;
                line = TrimCarriageReturn(_buffer.AsSpan(_start, lineEnd - _start));
                _start = lineEnd + 1;
                return true;
            }

            if (_exhausted)
            {
                if (_start == _end)
                {
                    line = default;
                    return false;
                }

                line = TrimCarriageReturn(_buffer.AsSpan(_start, _end - _start));
                _start = _end;
                return true;
            }

            searchFrom = Refill();
        }
    }

    /// <summary>Moves the partial line to the front (growing the buffer when it is full) and reads more; returns where the unsearched text starts.</summary>
    private int Refill()
    {
        int pending = _end - _start;
        if (pending == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
        else if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, pending);
        }

        _start = 0;
        _end = pending;
        int read = _reader.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _exhausted = true;
        }

        _end += read;
        Debug.Assert(_end <= _buffer.Length);
        return pending;
    }

    private static ReadOnlySpan<char> TrimCarriageReturn(ReadOnlySpan<char> line) =>
        line.Length > 0 && line[^1] == '\r' ? line[..^1] : line;
}
