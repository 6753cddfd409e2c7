using System.Text.Json;
using OrleansML.Jobs;

namespace OrleansML.Client.Specs;

/// <summary>What a spec error needs beyond the value: the file's name and the line of each JSON path.</summary>
internal sealed class SpecReadContext(string displayName, IReadOnlyDictionary<string, long> lines, ISet<string>? fieldsSet = null)
{
    /// <summary>Notes that the file set the field at <paramref name="path"/> (e.g. <c>$.model.kind</c>).</summary>
    public void Set(string path) => fieldsSet?.Add(path);

    /// <summary>The longest bad value an error shows; a longer one is cut and marked with "...".</summary>
    public const int MaximumValueLength = 80;

    /// <summary>The error for the field at <paramref name="path"/>: the file, the line, the path and the reason.</summary>
    public TrainingSpecException Error(string path, string reason) =>
        new(path, $"'{displayName}' {LineOf(path)}: {reason}");

    /// <summary>The error for a value of the wrong kind at <paramref name="path"/>.</summary>
    public TrainingSpecException WrongValue(string path, JsonElement value, string expected) =>
        Error(path, $"{Shown(value)} is not {expected}.");

    /// <summary>A JSON value as the user wrote it, cut to <see cref="MaximumValueLength"/> characters.</summary>
    public static string Shown(JsonElement value)
    {
        string text = value.GetRawText().ReplaceLineEndings(" ");
        return text.Length <= MaximumValueLength ? text : string.Concat(text.AsSpan(0, MaximumValueLength - 3), "...");
    }

    /// <summary>The line of the path, or of its nearest parent the file names (the root is line 1).</summary>
    private string LineOf(string path)
    {
        for (string p = path; p.Length > 0; p = Parent(p))
        {
            if (lines.TryGetValue(p, out long line))
            {
                return $"line {line}";
            }
        }

        return "line 1";
    }

    private static string Parent(string path)
    {
        int cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? "" : path[..cut];
    }
}
