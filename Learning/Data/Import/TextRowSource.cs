namespace OrleansML.Learning.Data.Import;

/// <summary>A row source over a UTF-8 text file read line by line (CSV, LIBSVM); its errors name the line.</summary>
internal abstract class TextRowSource : RowSource
{
    private readonly StreamReader _reader;

    protected TextRowSource(string filePath, StreamReader reader, LineReader? lines = null, long line = 0)
        : base(filePath)
    {
        _reader = reader;
        Lines = lines ?? new LineReader(reader);
        Line = line;
    }

    /// <summary>The 1-based number of the line last read.</summary>
    protected long Line { get; set; }

    protected LineReader Lines { get; }

    public override long BytesRead => _reader.BaseStream.Position;

    public override DataFormatException RowError(string reason) => new(FilePath, Math.Max(Line, 1), 0, reason);

    public override ValueTask DisposeAsync()
    {
        _reader.Dispose();
        return ValueTask.CompletedTask;
    }

    protected static StreamReader OpenReader(string filePath) =>
        new(InputFile.OpenRead(filePath), System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, 1 << 16);

    protected bool TryReadDataLine(bool stripComments, CancellationToken cancellationToken, out ReadOnlySpan<char> line)
    {
        long number = Line;
        bool found = Lines.TryReadDataLine(ref number, stripComments, out line, cancellationToken);
        Line = number;
        return found;
    }

    protected DataFormatException Error(long column, string reason) => new(FilePath, Line, column, reason);
}
