using System.Collections.Concurrent;
using OrleansML.Runtime.Invocation;

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

    internal const string Interface = "OrleansML.Runtime.Tests.Core.Grains.IProbeGrain";

    /// <summary>A stream method's request: InvokeAsync returns the sequence; results are single items.</summary>
    internal sealed class CountRequest : GrainRequest
    {
        public int N { get; set; }

        public override string InterfaceName => Interface;

        public override string MethodName => nameof(Count);

        public override uint MethodId => StableHashing.Hash("Count(System.Int32)");

        public override InvokeMethodOptions Flags => InvokeMethodOptions.Stream | InvokeMethodOptions.ImmutableArguments;

        public override void WriteArguments(ref Serialization.BodyWriter writer) => writer.WriteInt32(N);

        public override void ReadArguments(ref Serialization.BodyReader reader) => N = reader.ReadInt32();

        public override ValueTask<object?> InvokeAsync(object grain, CancellationToken callCancellation) => ValueTask.FromResult<object?>(((IProbeGrain)grain).Count(N));

        public override void WriteResult(ref Serialization.BodyWriter writer, object? result) => writer.WriteString((string?)result);

        public override object? ReadResult(ref Serialization.BodyReader reader) => reader.ReadString();

        public override GrainRequest CreateEmpty() => new CountRequest();
    }

    internal abstract class Request<TArg, TResult> : TestRequest<IProbeGrain, TArg, TResult>
    {
        public override string InterfaceName => Interface;
    }

    internal sealed class EchoRequest : Request<string, string>
    {
        public override string MethodName => nameof(Echo);

        public override InvokeMethodOptions Flags => InvokeMethodOptions.ImmutableArguments;

        protected override Task<string> Invoke(IProbeGrain grain, string arg, CancellationToken cancellationToken) => grain.Echo(arg);
    }

    internal sealed class EchoBytesRequest : Request<byte[], int>
    {
        public override string MethodName => nameof(EchoBytes);

        protected override Task<int> Invoke(IProbeGrain grain, byte[] arg, CancellationToken cancellationToken) => grain.EchoBytes(arg);
    }

    internal sealed class FailRequest : Request<string, int>
    {
        public override string MethodName => nameof(Fail);

        protected override Task<int> Invoke(IProbeGrain grain, string arg, CancellationToken cancellationToken) => grain.Fail(arg);
    }

    internal sealed class HangRequest : Request<int, int>
    {
        public override string MethodName => nameof(Hang);

        protected override Task<int> Invoke(IProbeGrain grain, int arg, CancellationToken cancellationToken) => grain.Hang(arg);
    }

    internal sealed class WhereRequest : Request<string, string>
    {
        public override string MethodName => nameof(WhereAmI);

        protected override Task<string> Invoke(IProbeGrain grain, string arg, CancellationToken cancellationToken) => grain.WhereAmI(arg);
    }

    internal sealed class CallBackThroughRequest : Request<string, string>
    {
        public override string MethodName => nameof(CallBackThrough);

        protected override Task<string> Invoke(IProbeGrain grain, string arg, CancellationToken cancellationToken) => grain.CallBackThrough(arg);
    }

    internal sealed class CallMeRequest : Request<string, string>
    {
        public override string MethodName => nameof(CallMe);

        protected override Task<string> Invoke(IProbeGrain grain, string arg, CancellationToken cancellationToken) => grain.CallMe(arg);
    }

    internal sealed class DeactivateSoonRequest : Request<int, int>
    {
        public override string MethodName => nameof(DeactivateSoon);

        protected override Task<int> Invoke(IProbeGrain grain, int arg, CancellationToken cancellationToken) => grain.DeactivateSoon(arg);
    }

    internal sealed class StartTimerRequest : Request<int, int>
    {
        public override string MethodName => nameof(StartTimer);

        protected override Task<int> Invoke(IProbeGrain grain, int arg, CancellationToken cancellationToken) => grain.StartTimer(arg);
    }

    internal sealed class ScribbleRequest : Request<int[], int>
    {
        public override string MethodName => nameof(Scribble);

        protected override Task<int> Invoke(IProbeGrain grain, int[] arg, CancellationToken cancellationToken) => grain.Scribble(arg);
    }

    internal sealed class Proxy(IGrainCallInvoker invoker, GrainId id) : GrainReference(invoker, id), IProbeGrain
    {
        public override string InterfaceName => Interface;

        public Task<string> Echo(string text) => InvokeAsync<string>(new EchoRequest { Arg = text });

        public Task<int> EchoBytes(byte[] payload) => InvokeAsync<int>(new EchoBytesRequest { Arg = payload });

        public Task<int> Fail(string kind) => InvokeAsync<int>(new FailRequest { Arg = kind });

        public Task<int> Hang(int milliseconds) => InvokeAsync<int>(new HangRequest { Arg = milliseconds });

        public Task<string> WhereAmI(string unused) => InvokeAsync<string>(new WhereRequest { Arg = unused });

        public Task<string> CallBackThrough(string otherKey) => InvokeAsync<string>(new CallBackThroughRequest { Arg = otherKey });

        public Task<string> CallMe(string callerKey) => InvokeAsync<string>(new CallMeRequest { Arg = callerKey });

        public Task<int> DeactivateSoon(int unused) => InvokeAsync<int>(new DeactivateSoonRequest { Arg = unused });

        public Task<int> StartTimer(int periodMilliseconds) => InvokeAsync<int>(new StartTimerRequest { Arg = periodMilliseconds });

        public Task<int> Scribble(int[] values) => InvokeAsync<int>(new ScribbleRequest { Arg = values });

        public IAsyncEnumerable<string> Count(int n) => InvokeStreamAsync<string>(new CountRequest { N = n });
    }

    internal static void Register()
    {
        GeneratedCodeRegistry.RegisterInterface(new GrainInterfaceMetadata(typeof(IProbeGrain), false, (i, id) => new Proxy(i, id),
            [new EchoRequest(), new EchoBytesRequest(), new FailRequest(), new HangRequest(), new WhereRequest(), new CallBackThroughRequest(), new CallMeRequest(), new DeactivateSoonRequest(), new StartTimerRequest(), new ScribbleRequest(), new CountRequest()]));
        GeneratedCodeRegistry.RegisterGrainClass(new GrainClassMetadata(typeof(ProbeGrain), "probe", [typeof(IProbeGrain)], PlacementStrategy.Random, false,
            (services, context) => GrainConstructionScope.Construct(context, () => new ProbeGrain())));
    }
}
