namespace OrleansML.Learning.Data.Readers;

/// <summary>Whitespace tokenisation over spans, so that parsing allocates nothing per token.</summary>
internal static class TextTokens
{
    /// <summary>Finds the next space- or tab-separated token at or after <paramref name="position"/>.</summary>
    public static bool Next(ReadOnlySpan<char> line, ref int position, out int start, out int length)
    {
        int i = position;
        while (i < line.Length && (line[i] == ' ' || line[i] == '\t'))
        {
            i++;
        }

        start = i;
        while (i < line.Length && line[i] != ' ' && line[i] != '\t')
        {
            i++;
        }

        length = i - start;
        position = i;
        return length > 0;
    }

    /// <summary>The line without a trailing '#' comment.</summary>
    public static ReadOnlySpan<char> StripComment(ReadOnlySpan<char> line)
    {
        int hash = line.IndexOf('#');
        return hash >= 0 ? line[..hash] : line;
    }
}
