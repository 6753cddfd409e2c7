using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;

namespace OrleansML.Runtime.Management;

/// <summary>The wire shape of the management grain's answers, registered when the runtime loads.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SiloDetails[]))]
[JsonSerializable(typeof(GrainTypeActivations[]))]
internal sealed partial class ManagementJsonContext : JsonSerializerContext
{
#pragma warning disable CA2255 // the answers must serialise before the first call, without a registration callers could forget.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() => Serialization.JsonSerializationRegistry.Add(Default);
}
