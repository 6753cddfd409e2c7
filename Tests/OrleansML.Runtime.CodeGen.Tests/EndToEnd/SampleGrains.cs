using System.Runtime.CompilerServices;

namespace OrleansML.Runtime.CodeGen.Tests.EndToEnd;

/// <summary>A service injected into grains.</summary>
public interface ITestClock
{
    long Ticks { get; }
}

/// <summary>An optional service (nullable parameter): null when not registered.</summary>
public interface ITracer
{
    void Trace(string message);
}

public sealed class FixedClock(long ticks) : ITestClock
{
    public long Ticks { get; } = ticks;
}

/// <summary>The persisted state of <see cref="ShardGrain"/>.</summary>
public sealed class ShardState
{
    public int Count { get; set; }

    public ShardMode Mode { get; set; }
}

[GrainType("accumulator")]
[HashBasedPlacement]
[Reentrant]
public sealed class AccumulatorGrain : Grain, IAccumulatorGrain
{
    private readonly List<float> _values = [];

    public Task Add(float[] values)
    {
        _values.AddRange(values);
        return Task.CompletedTask;
    }

    public Task<float[]> Snapshot() => Task.FromResult(_values.ToArray());

    public ValueTask<double> Sum() => new(_values.Sum(v => (double)v));

    public ValueTask Reset()
    {
        _values.Clear();
        return default;
    }

    public Task<TrainingReport> Describe(TrainingRequest request) =>
        Task.FromResult(new TrainingReport(request.Name, request.Epochs, request.Weights.Sum(w => (double)w), IdentityString));

    public async IAsyncEnumerable<int> CountTo(int limit, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (int i = 0; i < limit; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return i * i;
        }
    }

    public async IAsyncEnumerable<string> Names()
    {
        foreach (string name in new[] { "alpha", "beta", GetPrimaryKeyString() })
        {
            await Task.Yield();
            yield return name;
        }
    }

    public Task<string?> Echo(string? text, CancellationToken cancellationToken) => Task.FromResult(text is null ? null : text + "!");

    public Task<int> Distance(GridPoint point) => Task.FromResult(Math.Abs(point.X) + Math.Abs(point.Y));

    public Task Fail(string message) => throw new InvalidOperationException(message);

    public async Task<bool> WaitForCancellation(CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return false;
    }
}

/// <summary>Default grain type name ("shard"), spread placement, persistent state and injected services.</summary>
[SpreadPlacement]
public sealed class ShardGrain(
    [PersistentState("shard", "memory")] IPersistentState<ShardState> state,
    ITestClock clock,
    ITracer? tracer) : Grain, IShardGrain
{
    public Task<long> Key() => Task.FromResult(GetPrimaryKeyLong());

    public async Task<int> Increment(int by)
    {
        state.State.Count += by;
        await state.WriteStateAsync();
        return state.State.Count;
    }

    public async Task<ShardMode> SwitchMode(ShardMode mode)
    {
        ShardMode previous = state.State.Mode;
        state.State.Mode = mode;
        await state.WriteStateAsync();
        return previous;
    }

    public Task<string> ClockReading() => Task.FromResult(clock.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public Task<bool> HasTracer() => Task.FromResult(tracer is not null);
}

/// <summary>No attributes: grain type "plain", random placement; takes the activation context itself.</summary>
public sealed class PlainGrain(IGrainContext context) : Grain, IKeyedGrain
{
    public IGrainContext InjectedContext { get; } = context;

    public Task<long> Key() => Task.FromResult(GetPrimaryKeyLong() * 10);
}
