using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;
using OrleansML.GrainInterfaces;
using OrleansML.Jobs;
using OrleansML.Models;

namespace OrleansML.Serialization;

/// <summary>
/// The JSON shape of training specs, statuses and the grains' small DTOs: camelCase names and enums as
/// strings, so spec files read naturally (<c>"mode": "Bsp"</c>). The same context serves spec files and the
/// wire; it is registered with the runtime's serializer when this assembly loads.
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
[JsonSerializable(typeof(ShardAssignment))]
[JsonSerializable(typeof(ShardStats))]
[JsonSerializable(typeof(WorkerAssignment))]
[JsonSerializable(typeof(WorkerEpochResult))]
[JsonSerializable(typeof(WorkerLoadInfo))]
[JsonSerializable(typeof(EvaluationSummary))]
[JsonSerializable(typeof(ModelInfo))]
[JsonSerializable(typeof(ModelInfo[]))]
[JsonSerializable(typeof(Dictionary<string, double>))]
public sealed partial class TrainingJsonContext : JsonSerializerContext
{
#pragma warning disable CA2255 // the runtime must know these types before the first call that carries one, without a registration call users could forget.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() => Runtime.Serialization.JsonSerializationRegistry.Add(Default);
}
