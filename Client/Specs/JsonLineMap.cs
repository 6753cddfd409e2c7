using System.Text.Json;

namespace OrleansML.Client.Specs;

/// <summary>
/// The 1-based line of every property and array element of a JSON text, keyed by JSON path (<c>$.model.kind</c>,
/// <c>$.model.hiddenLayers[1]</c>), so that an error found on the parsed document can name its line.
/// </summary>
internal static class JsonLineMap
{
    /// <summary>Maps the paths of <paramref name="utf8"/>, which must already be known to parse.</summary>
    public static Dictionary<string, long> Build(ReadOnlySpan<byte> utf8, JsonReaderOptions options)
    {
        var lines = new Dictionary<string, long>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(utf8, options);
        // One frame per open container: its path, and for arrays the next element's index (-1 for objects).
        var frames = new Stack<(string Path, int NextIndex)>();
        string? pendingProperty = null;
        long line = 1;
        int counted = 0;
        while (reader.Read())
        {
            int start = (int)reader.TokenStartIndex;
            line += CountNewlines(utf8[counted..start]);
            counted = start;
            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                pendingProperty = $"{frames.Peek().Path}.{reader.GetString()}";
                lines.TryAdd(pendingProperty, line);
                continue;
            }

            if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                frames.Pop();
                continue;
            }

            string path = pendingProperty ?? ElementPath(frames, lines, line);
            pendingProperty = null;
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                frames.Push((path, reader.TokenType == JsonTokenType.StartArray ? 0 : -1));
            }
        }

        return lines;
    }

    private static string ElementPath(Stack<(string Path, int NextIndex)> frames, Dictionary<string, long> lines, long line)
    {
        if (frames.Count == 0)
        {
            return "$";
        }

        (string parent, int index) = frames.Pop();
        frames.Push((parent, index + 1));
        string path = $"{parent}[{index}]";
        lines.TryAdd(path, line);
        return path;
    }

    private static int CountNewlines(ReadOnlySpan<byte> text) => text.Count((byte)'\n');
}
