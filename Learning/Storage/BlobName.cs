using System.Text;

namespace OrleansML.Learning.Storage;

/// <summary>
/// The rules every <see cref="IBlobStore"/> applies to names, so that a name valid for one store is valid for
/// all of them and a local store can never be led outside its directory.
/// </summary>
public static class BlobName
{
    /// <summary>Longest name accepted (Azure's limit).</summary>
    public const int MaximumLength = 1024;

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="name"/> and what is wrong with it.</summary>
    public static void Validate(string name, [CallerArgumentExpression(nameof(name))] string? parameterName = null)
    {
        ArgumentNullException.ThrowIfNull(name, parameterName);
        string? problem = Problem(name, isPrefix: false);
        if (problem is not null)
        {
            throw new ArgumentException($"Blob name '{Printable(name)}' is not valid: {problem}.", parameterName);
        }
    }

    /// <summary>
    /// Checks a listing prefix: "" or the start of a valid name (its last segment may be partial, and it may
    /// end with '/').
    /// </summary>
    public static void ValidatePrefix(string prefix, [CallerArgumentExpression(nameof(prefix))] string? parameterName = null)
    {
        ArgumentNullException.ThrowIfNull(prefix, parameterName);
        string? problem = prefix.Length == 0 ? null : Problem(prefix, isPrefix: true);
        if (problem is not null)
        {
            throw new ArgumentException($"Blob name prefix '{Printable(prefix)}' is not valid: {problem}.", parameterName);
        }
    }

    /// <summary>
    /// <paramref name="name"/> under the folder <paramref name="folder"/> ("" for the top, with or without a
    /// trailing '/'); the result is validated.
    /// </summary>
    public static string Join(string folder, string name)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(name);
        string joined = folder.Length == 0 ? name : folder.EndsWith('/') ? folder + name : $"{folder}/{name}";
        Validate(joined, nameof(name));
        return joined;
    }

    /// <summary>Why <paramref name="name"/> is not a valid name (or prefix), or null when it is.</summary>
    internal static string? Problem(string name, bool isPrefix)
    {
        if (name.Length == 0)
        {
            return "it is empty";
        }

        if (name.Length > MaximumLength)
        {
            return $"it is {name.Length} characters long; the limit is {MaximumLength}";
        }

        if (name[0] == '/')
        {
            return "it starts with '/' (names are relative)";
        }

        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (c == '\\')
            {
                return $"it contains a backslash at position {i} (separate segments with '/')";
            }

            if (char.IsControl(c))
            {
                return $"it contains the control character U+{(int)c:X4} at position {i}";
            }

            if (char.IsHighSurrogate(c) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsSurrogate(c))
            {
                return $"it contains an unpaired UTF-16 surrogate at position {i}";
            }
        }

        string[] segments = name.Split('/');
        for (int s = 0; s < segments.Length; s++)
        {
            bool last = s == segments.Length - 1;
            string segment = segments[s];
            if (segment.Length == 0 && !(isPrefix && last))
            {
                return last ? "it ends with '/'" : "it has an empty segment ('//')";
            }

            // A prefix's last segment may be the start of a longer one ("." of ".hidden", ".." of "..old").
            if (segment is "." or ".." && !(isPrefix && last))
            {
                return $"it has a '{segment}' segment";
            }

            if (!isPrefix && last && AtomicFile.IsTemporaryName(segment))
            {
                return "its last segment has the shape of an unfinished write's temporary file";
            }
        }

        return null;
    }

    /// <summary>The name as it can be shown in a message: control characters escaped, very long names shortened.</summary>
    private static string Printable(string name)
    {
        var builder = new StringBuilder(Math.Min(name.Length, 200) + 8);
        foreach (char c in name.Length > 200 ? name.AsSpan(0, 200) : name.AsSpan())
        {
            builder.Append(char.IsControl(c) ? $"\\u{(int)c:X4}" : c);
        }

        return name.Length > 200 ? builder.Append("...").ToString() : builder.ToString();
    }
}
