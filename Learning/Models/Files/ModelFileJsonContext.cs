using System.Text.Json.Serialization;

namespace OrleansML.Learning.Models.Files;

/// <summary>Source-generated JSON metadata for model-file headers (no reflection).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(ModelFileHeader))]
internal sealed partial class ModelFileJsonContext : JsonSerializerContext;
