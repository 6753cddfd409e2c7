using System.Text;
using System.Text.Json;
using OrleansML.Client.Specs;
using OrleansML.Jobs;
using OrleansML.Serialization;

namespace OrleansML.Client;

/// <summary>Reads and writes training specs as JSON files (the shape of <see cref="TrainingJsonContext"/>:
/// camelCase, enums as strings, comments allowed, unknown fields refused; reading is strict and merges over the defaults).</summary>
public static class TrainingSpecFile
{
    /// <summary>Reads the spec in <paramref name="path"/>.</summary>
    /// <exception cref="TrainingSpecException">The file cannot be read or parsed; the field is the JSON path at
    /// fault and the message gives the file and line.</exception>
    public static TrainingSpec Load(string path) => Load(path, null);

    /// <summary>Reads the spec in <paramref name="path"/>, adding the JSON path of each field the file sets
    /// (<c>$.model.kind</c>) to <paramref name="fieldsSet"/>.</summary>
    internal static TrainingSpec Load(string path, ISet<string>? fieldsSet)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Directory.Exists(path))
        {
            throw new TrainingSpecException("spec", $"'{path}' is a directory, not a spec file.");
        }

        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new TrainingSpecException("spec", $"cannot read spec file '{path}': {exception.Message}", exception);
        }

        return Parse(json, path, fieldsSet);
    }

    /// <summary>Parses a spec, merged over the default <see cref="TrainingSpec"/>: a field left out takes its
    /// default (<see cref="TrainingSpecSchema.Defaults"/>). <paramref name="displayName"/> names it in errors.</summary>
    /// <exception cref="TrainingSpecException">The text is not JSON, or names an unknown field, an unknown enum value
    /// or a value of the wrong type; <see cref="TrainingSpecException.Field"/> is the JSON path (<c>$.optimizer.learningRate</c>)
    /// and the message gives the file, the line, the value (at most 80 characters) and the valid values.</exception>
    public static TrainingSpec Parse(string json, string displayName) => Parse(json, displayName, null);

    private static TrainingSpec Parse(string json, string displayName, ISet<string>? fieldsSet)
    {
        ArgumentNullException.ThrowIfNull(json);
        byte[] utf8 = Encoding.UTF8.GetBytes(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException exception)
        {
            if (json.Trim().Length == 0)
            {
                throw new TrainingSpecException("$", $"'{displayName}': the file is empty; a spec is a JSON object such as {{\"model\": {{...}}, \"data\": {{...}}}}.", exception);
            }

            string line = exception.LineNumber is long number ? $"line {number + 1}" : "unknown line";
            throw new TrainingSpecException("$", $"'{displayName}' {line}: not valid JSON: {FirstSentence(exception.Message)}", exception);
        }

        using (document)
        {
            var lines = JsonLineMap.Build(utf8, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            return TrainingSpecSchema.Read(document.RootElement, new SpecReadContext(displayName, lines, fieldsSet));
        }
    }

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        cut = cut > 0 ? cut : message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    /// <summary>The spec as indented JSON.</summary>
    public static string ToJson(TrainingSpec spec) => JsonSerializer.Serialize(spec, TrainingJsonContext.Default.TrainingSpec);
}
