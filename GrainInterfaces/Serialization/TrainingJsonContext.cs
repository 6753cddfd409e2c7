using System.Text.Json.Serialization;
using OrleansML.Jobs;
using OrleansML.Models;

namespace OrleansML.Serialization;

/// <summary>
/// The JSON shape of training specs, statuses and the grains' small DTOs: camelCase names and enums as
/// strings, so spec files read naturally (<c>"mode": "Bsp"</c>). Spec files and CLI output only: the wire uses
/// Orleans' generated serializers, so a spec file's format never changes with a wire contract.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    WriteIndented = true,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(TrainingSpec))]
[JsonSerializable(typeof(JobStatus))]
[JsonSerializable(typeof(EpochMetrics))]
[JsonSerializable(typeof(ModelInfo))]
[JsonSerializable(typeof(ModelInfo[]))]
[JsonSerializable(typeof(Dictionary<string, double>))]
public sealed partial class TrainingJsonContext : JsonSerializerContext;
