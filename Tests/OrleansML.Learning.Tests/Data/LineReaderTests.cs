namespace OrleansML.Learning.Tests.Data;

public class LineReaderTests
{
    private static List<string> Lines(string text, int bufferSize)
    {
        var reader = new LineReader(new StringReader(text), bufferSize);
        var lines = new List<string>();
        while (reader.TryReadLine(out ReadOnlySpan<char> line))
        {
            lines.Add(line.ToString());
        }

        return lines;
    }

    [Theory]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(1024)]
    public void Splits_on_lf_and_crlf_across_buffer_refills_and_long_lines(int bufferSize)
    {
        string longLine = new('x', 50);
        string text = $"ab\r\n\n{longLine}\ncd\r\nlast";

        Assert.Equal(new[] { "ab", "", longLine, "cd", "last" }, Lines(text, bufferSize));
    }

    [Fact]
    public void Empty_input_has_no_lines_and_a_trailing_newline_adds_none()
    {
        Assert.Empty(Lines("", 8));
        Assert.Equal(new[] { "a" }, Lines("a\n", 8));
    }
}
