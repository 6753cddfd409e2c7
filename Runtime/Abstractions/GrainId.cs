using System.Diagnostics;

namespace OrleansML.Runtime;

/// <summary>
/// The identity of a grain: its grain type name (the implementation's type name, see
/// <see cref="GrainTypeAttribute"/>) and its key. Integer keys are stored in invariant decimal form.
/// </summary>
/// <remarks>
/// <see cref="StableHash"/> is the same in every process and on every machine; it places grains on the
/// hash ring, so it must never depend on <see cref="string.GetHashCode()"/>, which is randomised per process.
/// </remarks>
public readonly record struct GrainId
{
    /// <summary>Creates an id; both parts must be non-empty.</summary>
    public GrainId(string type, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentNullException.ThrowIfNull(key);
        Type = type;
        Key = key;
        StableHash = StableHashing.Combine(StableHashing.Hash(type), StableHashing.Hash(key));
    }

    /// <summary>The grain type name.</summary>
    public string Type { get; }

    /// <summary>The key (string keys as given; integer keys in invariant decimal).</summary>
    public string Key { get; }

    /// <summary>A hash of type and key that is stable across processes.</summary>
    public uint StableHash { get; }

    /// <summary>True for the default value, which names no grain.</summary>
    public bool IsDefault => Type is null;

    /// <summary>The key as an integer, for grains of <see cref="IGrainWithIntegerKey"/> interfaces.</summary>
    public long IntegerKey
    {
        get
        {
            Debug.Assert(!IsDefault);
            return long.Parse(Key, System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>"type/key".</summary>
    public override string ToString() => $"{Type}/{Key}";

    /// <summary>Parses "type/key" (the key may itself contain '/').</summary>
    public static GrainId Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            throw new FormatException($"'{text}' is not a grain id of the form type/key.");
        }

        return new GrainId(text[..slash], text[(slash + 1)..]);
    }
}
