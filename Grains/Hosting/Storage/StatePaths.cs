using System.Security.Cryptography;
using System.Text;

namespace OrleansML.Grains.Hosting.Storage;

/// <summary>
/// Where a grain state lives: <c>&lt;directory&gt;/&lt;service id&gt;/&lt;grain type&gt;/&lt;state name&gt;/&lt;grain key&gt;.state</c>,
/// each part escaped into one safe file name.
/// </summary>
internal static class StatePaths
{
    public const string StateSuffix = ".state";
    private const int MaximumSegmentLength = 160;

    public static string For(string root, string stateName, Orleans.Runtime.GrainId grainId) =>
        Path.Combine(root, Segment(grainId.Type.ToString()!), Segment(stateName), Segment(grainId.Key.ToString()!) + StateSuffix);

    /// <summary>
    /// One path segment: letters, digits, '-', '_' and '.' stay (a leading '.' does not, so no segment is hidden or
    /// "." or ".."); every other UTF-8 byte becomes %XX. Distinct inputs give distinct segments. A segment longer than
    /// 160 characters keeps its first 120 and appends '~' and 32 hex digits of its SHA-256, which keeps file names
    /// within the usual 255-byte limit.
    /// </summary>
    public static string Segment(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var escaped = new StringBuilder(value.Length + 8);
        byte[] utf8 = Encoding.UTF8.GetBytes(value);
        for (int i = 0; i < utf8.Length; i++)
        {
            byte b = utf8[i];
            bool plain = b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
                or (byte)'-' or (byte)'_' || (b == (byte)'.' && i > 0);
            if (plain)
            {
                escaped.Append((char)b);
            }
            else
            {
                escaped.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        if (escaped.Length == 0)
        {
            return "%";
        }

        if (escaped.Length <= MaximumSegmentLength)
        {
            return escaped.ToString();
        }

        string hash = Convert.ToHexString(SHA256.HashData(utf8), 0, 16).ToLowerInvariant();
        return escaped.ToString(0, 120) + "~" + hash;
    }
}
