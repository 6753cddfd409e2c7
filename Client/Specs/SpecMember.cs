using System.Text.Json;

namespace OrleansML.Client.Specs;

/// <summary>
/// One field of a spec object: how a JSON value sets it on the owner record (over the owner's current value,
/// so a field left out keeps its default), and how its default is shown in the defaults table.
/// </summary>
/// <typeparam name="T">The record that holds the field.</typeparam>
internal sealed class SpecMember<T>
{
    /// <summary>The JSON property name (camelCase, matched exactly).</summary>
    public required string Name { get; init; }

    /// <summary>Sets the field from a JSON value found at a path, or throws the spec error for that path.</summary>
    public required Func<T, JsonElement, SpecReadContext, string, T> Read { get; init; }

    /// <summary>The defaults-table rows of this field (several for a nested object) for an owner's defaults.</summary>
    public required Func<T, string, IEnumerable<SpecDefault>> Describe { get; init; }
}
