using System.Text.RegularExpressions;

namespace OrleansML.Learning.Models.Store;

/// <summary>
/// Model names and where a model's blobs live in the store: <c>models/&lt;name&gt;/&lt;version&gt;.omlm</c> holds the
/// model file and <c>models/&lt;name&gt;/&lt;version&gt;.json</c> its <see cref="StoredModelEntry"/>.
/// </summary>
public static partial class ModelNames
{
    /// <summary>The folder of the store that holds every model.</summary>
    public const string Folder = "models";

    /// <summary>The extension of a stored model file.</summary>
    public const string ModelExtension = ".omlm";

    /// <summary>The extension of a stored version's entry.</summary>
    public const string EntryExtension = ".json";

    /// <summary>Why <paramref name="name"/> cannot name a model, or null when it can. The rule is the one training specs
    /// apply to <c>modelName</c> (1-64 letters, digits, '-', '_' or '.'), minus the names "." and "..", which are not
    /// valid blob segments.</summary>
    public static string? Problem(string? name) =>
        name is null || !NamePattern().IsMatch(name) ? $"'{name}' must be 1-64 letters, digits, '-', '_' or '.'"
        : name is "." or ".." ? $"'{name}' is not a model name"
        : null;

    /// <summary>Throws <see cref="ArgumentException"/> when <paramref name="name"/> cannot name a model.</summary>
    public static void Validate(string name)
    {
        if (Problem(name) is string problem)
        {
            throw new ArgumentException($"model name {problem}.", nameof(name));
        }
    }

    /// <summary>The blob of the model file of <paramref name="name"/> version <paramref name="version"/>.</summary>
    public static string ModelBlob(string name, int version) => Blob(name, version, ModelExtension);

    /// <summary>The blob of the entry of <paramref name="name"/> version <paramref name="version"/>.</summary>
    public static string EntryBlob(string name, int version) => Blob(name, version, EntryExtension);

    /// <summary>The listing prefix of every version of <paramref name="name"/>.</summary>
    public static string VersionsPrefix(string name) => $"{Folder}/{name}/";

    /// <summary>The model name and version an entry blob's name encodes, or null for any other blob.</summary>
    public static (string Name, int Version)? ParseEntryBlob(string blob)
    {
        Match match = EntryBlobPattern().Match(blob);
        return match.Success
            && Problem(match.Groups[1].Value) is null
            && int.TryParse(match.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int version)
            && version >= 1
            ? (match.Groups[1].Value, version)
            : null;
    }

    private static string Blob(string name, int version, string extension)
    {
        Validate(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        return string.Create(CultureInfo.InvariantCulture, $"{Folder}/{name}/{version}{extension}");
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^models/([^/]+)/([0-9]{1,9})\.json$")]
    private static partial Regex EntryBlobPattern();
}
