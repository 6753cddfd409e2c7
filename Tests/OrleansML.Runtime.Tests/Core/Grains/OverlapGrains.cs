using System.Collections.Concurrent;

namespace OrleansML.Runtime.Tests.Core.Grains;

/// <summary>Methods that measure how an activation admits concurrent requests.</summary>
public interface IOverlapMethods
{
    /// <summary>A writing call: yields <paramref name="yields"/> times while inside; returns the most calls seen inside at once.</summary>
    Task<int> Work(int yields);

    /// <summary>The same as a [ReadOnly] call.</summary>
    [ReadOnly]
    Task<int> ReadWork(int yields);

    /// <summary>Waits (up to <paramref name="milliseconds"/>) until <paramref name="parties"/> calls are inside at
    /// once; true if they met.</summary>
    Task<bool> Rendezvous(int parties, int milliseconds);

    /// <summary>The same as a [ReadOnly] call.</summary>
    [ReadOnly]
    Task<bool> ReadRendezvous(int parties, int milliseconds);

    /// <summary>Waits (up to the given milliseconds) until <see cref="Release"/> runs; true if it did.</summary>
    Task<bool> Block(int milliseconds);

    /// <summary>[AlwaysInterleave]: releases <see cref="Block"/>.</summary>
    [AlwaysInterleave]
    Task<int> Release(int unused);
}

public interface IOverlapGrain : IOverlapMethods, IGrainWithStringKey;

public interface IReentrantOverlapGrain : IOverlapMethods, IGrainWithStringKey;

#pragma warning disable CA1051 // Interlocked needs fields.
public sealed class OverlapStats
{
    public int Inside;
    public int MaxInside;
    public int WriterOverlaps;
}
#pragma warning restore CA1051

public abstract class OverlapGrainBase : Grain, IOverlapMethods
{
    public static readonly ConcurrentDictionary<string, OverlapStats> Stats = new();

    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _met = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    private OverlapStats MyStats => Stats.GetOrAdd(GetPrimaryKeyString(), _ => new OverlapStats());

    public Task<int> Work(int yields) => WorkAsync(yields, writer: true);

    public Task<int> ReadWork(int yields) => WorkAsync(yields, writer: false);

    public Task<bool> Rendezvous(int parties, int milliseconds) => MeetAsync(parties, milliseconds);

    public Task<bool> ReadRendezvous(int parties, int milliseconds) => MeetAsync(parties, milliseconds);

    /// <summary>Counts itself in <see cref="OverlapStats.Inside"/> while waiting, so tests can wait until it runs.</summary>
    public async Task<bool> Block(int milliseconds)
    {
        OverlapStats stats = MyStats;
        Interlocked.Increment(ref stats.Inside);
        try
        {
            await _released.Task.WaitAsync(TimeSpan.FromMilliseconds(milliseconds));
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        finally
        {
            Interlocked.Decrement(ref stats.Inside);
        }
    }

    public Task<int> Release(int unused)
    {
        _released.TrySetResult();
        return Task.FromResult(0);
    }

    private async Task<int> WorkAsync(int yields, bool writer)
    {
        OverlapStats stats = MyStats;
        int inside = Interlocked.Increment(ref stats.Inside);
        InterlockedMax(ref stats.MaxInside, inside);
        try
        {
            for (int i = 0; i < yields; i++)
            {
                await Task.Delay(1);
                if (writer && Volatile.Read(ref stats.Inside) != 1)
                {
                    Interlocked.Increment(ref stats.WriterOverlaps);
                }
            }

            return Volatile.Read(ref stats.MaxInside);
        }
        finally
        {
            Interlocked.Decrement(ref stats.Inside);
        }
    }

    private async Task<bool> MeetAsync(int parties, int milliseconds)
    {
        TaskCompletionSource met = _met;
        if (Interlocked.Increment(ref _arrived) >= parties)
        {
            met.TrySetResult();
        }

        try
        {
            await met.Task.WaitAsync(TimeSpan.FromMilliseconds(milliseconds));
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        finally
        {
            if (Interlocked.Decrement(ref _arrived) == 0)
            {
                _met = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}

[GrainType("overlap")]
public sealed class OverlapGrain : OverlapGrainBase, IOverlapGrain;

[Reentrant]
[GrainType("reentrant-overlap")]
public sealed class ReentrantOverlapGrain : OverlapGrainBase, IReentrantOverlapGrain;
