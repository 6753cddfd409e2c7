using System.Text.Json.Serialization;

namespace OrleansML.Learning.Data.Import;

[JsonSourceGenerationOptions(WriteIndented = true, UseStringEnumConverter = true)]
[JsonSerializable(typeof(DatasetSchema))]
internal sealed partial class ImportJsonContext : JsonSerializerContext;
