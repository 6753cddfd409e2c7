using System.Text.Json;
using OrleansML.Jobs;
using OrleansML.Serialization;

namespace OrleansML.Client;

/// <summary>Reads and writes training specs as JSON files (the shape of <see cref="TrainingJsonContext"/>:
/// camelCase, enums as strings, comments allowed, unknown fields refused).</summary>
public static class TrainingSpecFile
{
    /// <summary>Reads the spec in <paramref name="path"/>.</summary>
    /// <exception cref="TrainingSpecException">The file cannot be read or parsed; the field is the JSON path at
    /// fault and the message gives the file and line.</exception>
    public static TrainingSpec Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new TrainingSpecException("spec", $"cannot read spec file '{path}': {exception.Message}", exception);
        }

        return Parse(json, path);
    }

    /// <summary>Parses a spec; <paramref name="displayName"/> names it in errors.</summary>
    public static TrainingSpec Parse(string json, string displayName)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonSerializer.Deserialize(json, TrainingJsonContext.Default.TrainingSpec)
                ?? throw new TrainingSpecException("spec", $"'{displayName}' holds JSON null, not a training spec.");
        }
        catch (JsonException exception)
        {
            string field = FieldOf(exception);
            string line = exception.LineNumber is long number ? $"line {number + 1}" : "unknown line";
            throw new TrainingSpecException(field, $"'{displayName}' {line}: {exception.Message}", exception);
        }
    }

    /// <summary>The spec as indented JSON.</summary>
    public static string ToJson(TrainingSpec spec) => JsonSerializer.Serialize(spec, TrainingJsonContext.Default.TrainingSpec);

    /// <summary>The JSON path at fault, without the leading <c>$.</c>: for an unknown member the runtime reports
    /// the path of its parent object, so the member's name is taken from the message.</summary>
    private static string FieldOf(JsonException exception)
    {
        string path = exception.Path is { Length: > 0 } p ? p.TrimStart('$').TrimStart('.') : "";
        const string Marker = "could not be mapped to any .NET member";
        string message = exception.Message;
        int markerAt = message.IndexOf(Marker, StringComparison.Ordinal);
        int open = message.IndexOf('\'', StringComparison.Ordinal);
        if (markerAt > 0 && open >= 0 && open < markerAt)
        {
            int close = message.IndexOf('\'', open + 1);
            if (close > open)
            {
                string member = message[(open + 1)..close];
                return path.Length == 0 || path.EndsWith(member, StringComparison.Ordinal) ? (path.Length == 0 ? member : path) : path + "." + member;
            }
        }

        return path.Length == 0 ? "spec" : path;
    }
}
