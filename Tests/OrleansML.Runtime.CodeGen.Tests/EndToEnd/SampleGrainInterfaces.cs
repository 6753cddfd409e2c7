using System.Text.Json.Serialization;

namespace OrleansML.Runtime.CodeGen.Tests.EndToEnd;

/// <summary>A DTO argument, serialised as JSON through <see cref="CodeGenTestJsonContext"/>.</summary>
public sealed record TrainingRequest(string Name, int Epochs, float[] Weights);

/// <summary>A DTO result.</summary>
public sealed record TrainingReport(string Name, int Epochs, double WeightSum, string Grain);

/// <summary>An immutable DTO: calls taking only it skip the local deep copy.</summary>
[Immutable]
public sealed record GridPoint(int X, int Y);

public enum ShardMode
{
    Idle,
    Training,
    Draining,
}

[JsonSerializable(typeof(TrainingRequest))]
[JsonSerializable(typeof(TrainingReport))]
[JsonSerializable(typeof(GridPoint))]
internal sealed partial class CodeGenTestJsonContext : JsonSerializerContext;

/// <summary>A string-keyed grain covering every return kind; it declares the grain type that serves it.</summary>
[GrainType("accumulator")]
public interface IAccumulatorGrain : IGrainWithStringKey
{
    Task Add(float[] values);

    Task<float[]> Snapshot();

    [ReadOnly]
    ValueTask<double> Sum();

    ValueTask Reset();

    Task<TrainingReport> Describe(TrainingRequest request);

    IAsyncEnumerable<int> CountTo(int limit, CancellationToken cancellationToken);

    IAsyncEnumerable<string> Names();

    [AlwaysInterleave]
    Task<string?> Echo(string? text, CancellationToken cancellationToken);

    Task<int> Distance(GridPoint point);

    Task Fail(string message);

    Task<bool> WaitForCancellation(CancellationToken cancellationToken);
}

/// <summary>A base integer-keyed grain interface.</summary>
public interface IKeyedGrain : IGrainWithIntegerKey
{
    Task<long> Key();
}

/// <summary>Derives a grain interface: its proxy and registration include <see cref="IKeyedGrain.Key"/>.</summary>
public interface IShardGrain : IKeyedGrain
{
    Task<int> Increment(int by);

    Task<ShardMode> SwitchMode(ShardMode mode);

    Task<string> ClockReading();

    Task<bool> HasTracer();
}
