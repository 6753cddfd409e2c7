using System.Text.Json.Serialization;

namespace OrleansML.Grains.Shards;

/// <summary>The JSON of the assignment inside a checkpoint: readable when a checkpoint is inspected by hand, and
/// independent of the wire contracts.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ShardAssignment))]
internal sealed partial class ShardCheckpointJsonContext : JsonSerializerContext;
