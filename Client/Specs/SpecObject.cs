using System.Text.Json;

namespace OrleansML.Client.Specs;

/// <summary>
/// The fields of one spec record. Reading merges a JSON object over a starting value (the record's defaults), so
/// a field left out keeps its default; an unknown or repeated field is an error that lists the known ones.
/// </summary>
internal sealed class SpecObject<T>(params SpecMember<T>[] members)
{
    private readonly Dictionary<string, SpecMember<T>> _byName = members.ToDictionary(m => m.Name, StringComparer.Ordinal);

    public IReadOnlyList<SpecMember<T>> Members { get; } = members;

    /// <summary><paramref name="value"/> (a JSON object at <paramref name="path"/>) applied over <paramref name="start"/>.</summary>
    public T Read(JsonElement value, T start, SpecReadContext context, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw context.WrongValue(path, value, "an object");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        T result = start;
        foreach (JsonProperty property in value.EnumerateObject())
        {
            string at = $"{path}.{property.Name}";
            if (!_byName.TryGetValue(property.Name, out SpecMember<T>? member))
            {
                throw context.Error(at, UnknownField(property.Name));
            }

            if (!seen.Add(property.Name))
            {
                throw context.Error(at, "the field appears twice.");
            }

            result = member.Read(result, property.Value, context, at);
            context.Set(at);
        }

        return result;
    }

    /// <summary>The defaults-table rows of every field of <paramref name="defaults"/>.</summary>
    public IEnumerable<SpecDefault> Describe(T defaults, string path) =>
        Members.SelectMany(m => m.Describe(defaults, path.Length == 0 ? m.Name : $"{path}.{m.Name}"));

    private string UnknownField(string name)
    {
        string known = string.Join(", ", Members.Select(m => m.Name));
        string? sameButCase = Members.Select(m => m.Name).FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
        string shown = name.Length <= SpecReadContext.MaximumValueLength ? name : name[..(SpecReadContext.MaximumValueLength - 3)] + "...";
        return sameButCase is null
            ? $"unknown field \"{shown}\"; the known fields here are {known}."
            : $"unknown field \"{shown}\" (names are case-sensitive: did you mean \"{sameButCase}\"?); the known fields here are {known}.";
    }
}
