using System.Collections.Concurrent;

namespace OrleansML.Runtime.Tests.Core.Grains;

public interface IProbeGrain : IGrainWithStringKey
{
    Task<string> Echo(string text);

    Task<int> EchoBytes(byte[] payload);

    Task<int> Fail(string kind);

    Task<int> Hang(int milliseconds);

    Task<string> WhereAmI(string unused);

    Task<string> CallBackThrough(string otherKey);

    Task<string> CallMe(string callerKey);

    Task<int> DeactivateSoon(int unused);

    Task<int> StartTimer(int periodMilliseconds);

    /// <summary>Overwrites its argument's first element and returns the sum it saw.</summary>
    Task<int> Scribble(int[] values);

    /// <summary>A stream method: yields "0".."n-1".</summary>
    IAsyncEnumerable<string> Count(int n);
}

public sealed class CustomGrainException(string message) : Exception(message);

/// <summary>A general-purpose test grain that records its constructions, deactivations and timer ticks.</summary>
public sealed class ProbeGrain : Grain, IProbeGrain
{
    public static readonly ConcurrentDictionary<string, int> Constructions = new();
    public static readonly ConcurrentDictionary<string, ConcurrentQueue<DeactivationReason>> Deactivations = new();
    public static readonly ConcurrentDictionary<string, int> TimerTicks = new();

    public ProbeGrain() => Constructions.AddOrUpdate(GetPrimaryKeyString(), 1, (_, n) => n + 1);

    /// <summary>Keys starting "broken" fail to activate the first time (the second attempt succeeds).</summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken) =>
        GetPrimaryKeyString().StartsWith("broken", StringComparison.Ordinal) && Constructions[GetPrimaryKeyString()] == 1
            ? throw new InvalidOperationException("OnActivateAsync refused")
            : Task.CompletedTask;

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Deactivations.GetOrAdd(GetPrimaryKeyString(), _ => new()).Enqueue(reason);
        return Task.CompletedTask;
    }

    public Task<string> Echo(string text) => Task.FromResult($"{GetPrimaryKeyString()}:{text}");

    public Task<int> EchoBytes(byte[] payload) => Task.FromResult(payload.Length);

    public Task<int> Fail(string kind) => kind switch
    {
        "argument" => throw new ArgumentException("bad argument from the grain"),
        "custom" => throw new CustomGrainException("custom failure"),
        _ => throw new InvalidOperationException("invalid operation from the grain"),
    };

    public async Task<int> Hang(int milliseconds)
    {
        await Task.Delay(milliseconds);
        return milliseconds;
    }

    public Task<string> WhereAmI(string unused) => Task.FromResult(Context.Silo.ToString());

    /// <summary>A → B → A: calls another grain, which calls this (non-reentrant) grain back.</summary>
    public Task<string> CallBackThrough(string otherKey) => GrainFactory.GetGrain<IProbeGrain>(otherKey).CallMe(GetPrimaryKeyString());

    public async Task<string> CallMe(string callerKey)
    {
        string echoed = await GrainFactory.GetGrain<IProbeGrain>(callerKey).Echo("back");
        return $"{GetPrimaryKeyString()} got {echoed}";
    }

    public Task<int> DeactivateSoon(int unused)
    {
        DeactivateOnIdle();
        return Task.FromResult(0);
    }

    public Task<int> StartTimer(int periodMilliseconds)
    {
        RegisterTimer(
            async _ =>
            {
                await Task.Yield();
                TimerTicks.AddOrUpdate(GetPrimaryKeyString(), 1, (_, n) => n + 1);
            },
            TimeSpan.FromMilliseconds(periodMilliseconds),
            TimeSpan.FromMilliseconds(periodMilliseconds));
        return Task.FromResult(periodMilliseconds);
    }

    public Task<int> Scribble(int[] values)
    {
        int sum = values.Sum();
        values[0] = -1;
        return Task.FromResult(sum);
    }

    public async IAsyncEnumerable<string> Count(int n)
    {
        for (int i = 0; i < n; i++)
        {
            await Task.Yield();
            yield return i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
