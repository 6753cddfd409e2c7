using System.Text.Json.Serialization;
using OrleansML.Learning.Data.Partitioning;
using OrleansML.Learning.Models.Files;
using OrleansML.Learning.Models.Store;

namespace OrleansML.Learning;

/// <summary>
/// Source-generated JSON metadata for the library's own files (dataset manifests, model-file headers, stored model
/// entries): no reflection, so it works trimmed and AOT-compiled.
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(DatasetManifest))]
[JsonSerializable(typeof(ModelFileHeader))]
[JsonSerializable(typeof(StoredModelEntry))]
internal sealed partial class LearningJsonContext : JsonSerializerContext;
