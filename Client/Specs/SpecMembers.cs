using System.Globalization;
using System.Text.Json;

namespace OrleansML.Client.Specs;

/// <summary>Builds <see cref="SpecMember{T}"/>s for each kind of JSON value a spec holds.</summary>
internal static class SpecMembers
{
    public static SpecMember<T> Int<T>(string name, Func<T, int> get, Func<T, int, T> set, string description, string? flag = null) =>
        Value(name, get, set, description, flag, Format,
            (v, c, p) => v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i : throw c.WrongValue(p, v, "a whole number (32-bit)"));

    public static SpecMember<T> Long<T>(string name, Func<T, long> get, Func<T, long, T> set, string description, string? flag = null) =>
        Value(name, get, set, description, flag, Format,
            (v, c, p) => v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long i) ? i : throw c.WrongValue(p, v, "a whole number"));

    public static SpecMember<T> Float<T>(string name, Func<T, float> get, Func<T, float, T> set, string description, string? flag = null) =>
        Value(name, get, set, description, flag, Format,
            (v, c, p) => v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double d) ? (float)d : throw c.WrongValue(p, v, "a number"));

    public static SpecMember<T> Double<T>(string name, Func<T, double> get, Func<T, double, T> set, string description, string? flag = null) =>
        Value(name, get, set, description, flag, Format,
            (v, c, p) => v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double d) ? d : throw c.WrongValue(p, v, "a number"));

    public static SpecMember<T> NullableDouble<T>(string name, Func<T, double?> get, Func<T, double?, T> set, string description, string? flag = null) =>
        Value(name, get, set, description, flag, d => d is double x ? Format(x) : "none",
            (v, c, p) => v.ValueKind == JsonValueKind.Null ? null
                : v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double d) ? d : throw c.WrongValue(p, v, "a number or null"));

    public static SpecMember<T> Bool<T>(string name, Func<T, bool> get, Func<T, bool, T> set, string description, string? flag = null) =>
        Value(name, get, set, description, flag, b => b ? "true" : "false",
            (v, c, p) => v.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw c.WrongValue(p, v, "true or false"),
            });

    public static SpecMember<T> String<T>(string name, Func<T, string?> get, Func<T, string?, T> set, string description, string? flag = null, bool nullable = true) =>
        Value(name, get, set, description, flag, s => s is null ? "none" : $"\"{s}\"",
            (v, c, p) => v.ValueKind switch
            {
                JsonValueKind.String => v.GetString(),
                JsonValueKind.Null when nullable => null,
                _ => throw c.WrongValue(p, v, nullable ? "a string or null" : "a string"),
            });

    /// <summary>An enum by name, case-insensitively (<c>"Adam"</c>, <c>"adam"</c>); numbers are refused, so a
    /// value's meaning never depends on the enum's order.</summary>
    public static SpecMember<T> Enum<T, TEnum>(string name, Func<T, TEnum> get, Func<T, TEnum, T> set, string description, string? flag = null)
        where TEnum : struct, System.Enum =>
        Value(name, get, set, description, flag, e => e.ToString(),
            (v, c, p) => v.ValueKind == JsonValueKind.String && System.Enum.GetNames<TEnum>().FirstOrDefault(n => string.Equals(n, v.GetString(), StringComparison.OrdinalIgnoreCase)) is string known
                ? System.Enum.Parse<TEnum>(known)
                : throw c.WrongValue(p, v, $"one of {string.Join(", ", System.Enum.GetNames<TEnum>())}"));

    public static SpecMember<T> IntList<T>(string name, Func<T, IReadOnlyList<int>> get, Func<T, IReadOnlyList<int>, T> set, string description, string? flag = null) =>
        Value(name, get, set, description, flag, l => $"[{string.Join(", ", l.Select(Format))}]",
            (v, c, p) =>
            {
                if (v.ValueKind != JsonValueKind.Array)
                {
                    throw c.WrongValue(p, v, "an array of whole numbers");
                }

                var list = new List<int>();
                foreach (JsonElement item in v.EnumerateArray())
                {
                    list.Add(item.ValueKind == JsonValueKind.Number && item.TryGetInt32(out int i) ? i : throw c.WrongValue($"{p}[{list.Count}]", item, "a whole number (32-bit)"));
                }

                return (IReadOnlyList<int>)list.ToArray();
            });

    /// <summary>An array of strings, or null.</summary>
    public static SpecMember<T> NullableStringList<T>(string name, Func<T, IReadOnlyList<string>?> get, Func<T, IReadOnlyList<string>?, T> set, string description) =>
        Value(name, get, set, description, null, l => l is null ? "none" : $"[{string.Join(", ", l.Select(s => $"\"{s}\""))}]",
            (v, c, p) =>
            {
                if (v.ValueKind == JsonValueKind.Null)
                {
                    return null;
                }

                if (v.ValueKind != JsonValueKind.Array)
                {
                    throw c.WrongValue(p, v, "an array of strings or null");
                }

                var list = new List<string>();
                foreach (JsonElement item in v.EnumerateArray())
                {
                    list.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw c.WrongValue($"{p}[{list.Count}]", item, "a string"));
                }

                return (IReadOnlyList<string>?)list.ToArray();
            });

    /// <summary>A nested record, merged over the owner's current value of it.</summary>
    public static SpecMember<T> Object<T, TChild>(string name, Func<T, TChild> get, Func<T, TChild, T> set, SpecObject<TChild> schema) => new()
    {
        Name = name,
        Read = (owner, value, context, path) => set(owner, schema.Read(value, get(owner), context, path)),
        Describe = (defaults, path) => schema.Describe(get(defaults), path),
    };

    private static SpecMember<T> Value<T, TValue>(string name, Func<T, TValue> get, Func<T, TValue, T> set, string description, string? flag,
        Func<TValue, string> format, Func<JsonElement, SpecReadContext, string, TValue> parse) => new()
    {
        Name = name,
        Read = (owner, value, context, path) => set(owner, parse(value, context, path)),
        Describe = (defaults, path) => [new SpecDefault(path, format(get(defaults)), flag, description)],
    };

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Format(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
