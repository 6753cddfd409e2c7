using System.Text.Json.Serialization;

namespace OrleansML.Learning.Data.Partitioning;

/// <summary>Source-generated JSON metadata for the manifest: no reflection, so it works trimmed and AOT-compiled.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(DatasetManifest))]
internal sealed partial class ManifestJsonContext : JsonSerializerContext;
