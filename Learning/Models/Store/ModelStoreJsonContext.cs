using System.Text.Json.Serialization;

namespace OrleansML.Learning.Models.Store;

/// <summary>Source-generated JSON metadata for stored model entries (no reflection).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(StoredModelEntry))]
internal sealed partial class ModelStoreJsonContext : JsonSerializerContext;
