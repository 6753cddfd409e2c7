using System.Collections.Concurrent;
using OrleansML.Runtime.Invocation;

namespace OrleansML.Runtime.Tests.Core.Grains;

/// <summary>Methods that measure how an activation admits concurrent requests.</summary>
public interface IOverlapMethods
{
    /// <summary>A writing call: yields <paramref name="yields"/> times while inside; returns the most calls seen inside at once.</summary>
    Task<int> Work(int yields);

    /// <summary>The same as a [ReadOnly] call.</summary>
    Task<int> ReadWork(int yields);

    /// <summary>Waits (up to 3 s) until <paramref name="parties"/> calls are inside at once; true if they met.</summary>
    Task<bool> Rendezvous(int parties);

    /// <summary>The same as a [ReadOnly] call.</summary>
    Task<bool> ReadRendezvous(int parties);

    /// <summary>Waits (up to the given milliseconds) until <see cref="Release"/> runs; true if it did.</summary>
    Task<bool> Block(int milliseconds);

    /// <summary>[AlwaysInterleave]: releases <see cref="Block"/>.</summary>
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

    public Task<bool> Rendezvous(int parties) => MeetAsync(parties);

    public Task<bool> ReadRendezvous(int parties) => MeetAsync(parties);

    public async Task<bool> Block(int milliseconds)
    {
        try
        {
            await _released.Task.WaitAsync(TimeSpan.FromMilliseconds(milliseconds));
            return true;
        }
        catch (TimeoutException)
        {
            return false;
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

    private async Task<bool> MeetAsync(int parties)
    {
        TaskCompletionSource met = _met;
        if (Interlocked.Increment(ref _arrived) >= parties)
        {
            met.TrySetResult();
        }

        try
        {
            await met.Task.WaitAsync(TimeSpan.FromSeconds(3));
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

public sealed class OverlapGrain : OverlapGrainBase, IOverlapGrain;

[Reentrant]
public sealed class ReentrantOverlapGrain : OverlapGrainBase, IReentrantOverlapGrain;

internal static class OverlapRegistration
{
    internal abstract class Request<TInterface, TArg, TResult> : TestRequest<IOverlapMethods, TArg, TResult>
    {
        public override string InterfaceName => typeof(TInterface).FullName!;
    }

    internal sealed class Work<TI> : Request<TI, int, int>
    {
        public override string MethodName => nameof(IOverlapMethods.Work);

        protected override Task<int> Invoke(IOverlapMethods grain, int arg, CancellationToken cancellationToken) => grain.Work(arg);
    }

    internal sealed class ReadWork<TI> : Request<TI, int, int>
    {
        public override string MethodName => nameof(IOverlapMethods.ReadWork);

        public override InvokeMethodOptions Flags => InvokeMethodOptions.ReadOnly;

        protected override Task<int> Invoke(IOverlapMethods grain, int arg, CancellationToken cancellationToken) => grain.ReadWork(arg);
    }

    internal sealed class Rendezvous<TI> : Request<TI, int, bool>
    {
        public override string MethodName => nameof(IOverlapMethods.Rendezvous);

        protected override Task<bool> Invoke(IOverlapMethods grain, int arg, CancellationToken cancellationToken) => grain.Rendezvous(arg);
    }

    internal sealed class ReadRendezvous<TI> : Request<TI, int, bool>
    {
        public override string MethodName => nameof(IOverlapMethods.ReadRendezvous);

        public override InvokeMethodOptions Flags => InvokeMethodOptions.ReadOnly;

        protected override Task<bool> Invoke(IOverlapMethods grain, int arg, CancellationToken cancellationToken) => grain.ReadRendezvous(arg);
    }

    internal sealed class Block<TI> : Request<TI, int, bool>
    {
        public override string MethodName => nameof(IOverlapMethods.Block);

        protected override Task<bool> Invoke(IOverlapMethods grain, int arg, CancellationToken cancellationToken) => grain.Block(arg);
    }

    internal sealed class Release<TI> : Request<TI, int, int>
    {
        public override string MethodName => nameof(IOverlapMethods.Release);

        public override InvokeMethodOptions Flags => InvokeMethodOptions.AlwaysInterleave;

        protected override Task<int> Invoke(IOverlapMethods grain, int arg, CancellationToken cancellationToken) => grain.Release(arg);
    }

    internal sealed class Proxy<TI>(IGrainCallInvoker invoker, GrainId id) : GrainReference(invoker, id), IOverlapGrain, IReentrantOverlapGrain
    {
        public override string InterfaceName => typeof(TI).FullName!;

        public Task<int> Work(int yields) => InvokeAsync<int>(new Work<TI> { Arg = yields });

        public Task<int> ReadWork(int yields) => InvokeAsync<int>(new ReadWork<TI> { Arg = yields });

        public Task<bool> Rendezvous(int parties) => InvokeAsync<bool>(new Rendezvous<TI> { Arg = parties });

        public Task<bool> ReadRendezvous(int parties) => InvokeAsync<bool>(new ReadRendezvous<TI> { Arg = parties });

        public Task<bool> Block(int milliseconds) => InvokeAsync<bool>(new Block<TI> { Arg = milliseconds });

        public Task<int> Release(int unused) => InvokeAsync<int>(new Release<TI> { Arg = unused });
    }

    internal static void Register()
    {
        RegisterOne<IOverlapGrain, OverlapGrain>("overlap", reentrant: false, ctx => GrainConstructionScope.Construct(ctx, () => new OverlapGrain()));
        RegisterOne<IReentrantOverlapGrain, ReentrantOverlapGrain>("reentrant-overlap", reentrant: true, ctx => GrainConstructionScope.Construct(ctx, () => new ReentrantOverlapGrain()));
    }

    private static void RegisterOne<TI, TGrain>(string grainType, bool reentrant, Func<IGrainContext, Grain> construct)
    {
        GeneratedCodeRegistry.RegisterInterface(new GrainInterfaceMetadata(typeof(TI), false, (i, id) => new Proxy<TI>(i, id),
            [new Work<TI>(), new ReadWork<TI>(), new Rendezvous<TI>(), new ReadRendezvous<TI>(), new Block<TI>(), new Release<TI>()]));
        GeneratedCodeRegistry.RegisterGrainClass(new GrainClassMetadata(typeof(TGrain), grainType, [typeof(TI)], PlacementStrategy.Random, reentrant, (_, ctx) => construct(ctx)));
    }
}
