using System.Security.Cryptography;
using System.Text;

namespace OrleansML.Runtime.Persistence;

/// <summary>
/// Maps (state name, grain id) to a file name that is valid and distinct on every file system, including
/// case-insensitive ones: lower-case letters, digits and '-' stay; every other UTF-8 byte (upper case
/// included) becomes '_' and two lower-case hex digits. The three parts are joined with '.', which is
/// always escaped inside a part, so the mapping is injective. Names longer than
/// <see cref="MaxLength"/> keep a readable prefix and end in a SHA-256 of the full name; the file header
/// records the full identity, so a read can still verify it has the right record.
/// </summary>
internal static class StateFileName
{
    public const string Extension = ".state";
    public const int MaxLength = 200;

    public static string For(string stateName, GrainId grainId)
    {
        string name = $"{Encode(stateName)}.{Encode(grainId.Type)}.{Encode(grainId.Key)}";
        if (name.Length > MaxLength)
        {
            string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));
            name = $"{name[..(MaxLength - hash.Length - 1)]}~{hash}";
        }

        return name + Extension;
    }

    /// <summary>The identity written in the header: state name and grain id, unambiguous because a state name has no newline.</summary>
    public static string Identity(string stateName, GrainId grainId) => $"{stateName}\n{grainId}";

    private static string Encode(string text)
    {
        var encoded = new StringBuilder(text.Length);
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            if (b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-')
            {
                encoded.Append((char)b);
            }
            else
            {
                encoded.Append('_').Append(Convert.ToHexStringLower([b]));
            }
        }

        return encoded.ToString();
    }
}
