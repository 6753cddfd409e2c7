using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;

namespace OrleansML.Grains.Models;

/// <summary>The persisted state of a <see cref="ModelRegistryGrain"/>: the versions' descriptions (their bytes
/// live in <see cref="OrleansML.Models.IModelVersionGrain"/>s).</summary>
internal sealed class ModelRegistryState
{
    /// <summary>The listed versions, oldest first; version numbers are 1, 2, ... in order.</summary>
    public List<OrleansML.Models.ModelInfo> Versions { get; set; } = [];
}

/// <summary>JSON for the registry's state, registered with the runtime when the grains assembly loads.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ModelRegistryState))]
internal sealed partial class ModelRegistryJsonContext : JsonSerializerContext
{
#pragma warning disable CA2255 // grain state must be readable before the first activation, with no registration call to forget.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() => Runtime.Serialization.JsonSerializationRegistry.Add(Default);
}
