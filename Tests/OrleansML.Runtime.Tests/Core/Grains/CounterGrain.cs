using System.Collections.Concurrent;
using OrleansML.Runtime.Invocation;

namespace OrleansML.Runtime.Tests.Core.Grains;

public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> Increment(int by);

    Task<int> Read(int unused);

    Task<string> WhereAmI(int unused);
}

/// <summary>A persistent counter: every increment is written to storage before it returns.</summary>
public sealed class CounterGrain(IPersistentState<CounterState> state) : Grain, ICounterGrain
{
    public static readonly ConcurrentDictionary<string, int> Constructions = new();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Constructions.AddOrUpdate(GetPrimaryKeyString(), 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }

    public async Task<int> Increment(int by)
    {
        state.State.Value += by;
        await state.WriteStateAsync();
        return state.State.Value;
    }

    public Task<int> Read(int unused) => Task.FromResult(state.State.Value);

    public Task<string> WhereAmI(int unused) => Task.FromResult(Context.Silo.ToString());

    internal const string Interface = "OrleansML.Runtime.Tests.Core.Grains.ICounterGrain";

    internal sealed class IncrementRequest : TestRequest<ICounterGrain, int, int>
    {
        public override string InterfaceName => Interface;

        public override string MethodName => nameof(Increment);

        protected override Task<int> Invoke(ICounterGrain grain, int arg, CancellationToken cancellationToken) => grain.Increment(arg);
    }

    internal sealed class ReadRequest : TestRequest<ICounterGrain, int, int>
    {
        public override string InterfaceName => Interface;

        public override string MethodName => nameof(Read);

        public override InvokeMethodOptions Flags => InvokeMethodOptions.ReadOnly | InvokeMethodOptions.ImmutableArguments;

        protected override Task<int> Invoke(ICounterGrain grain, int arg, CancellationToken cancellationToken) => grain.Read(arg);
    }

    internal sealed class WhereRequest : TestRequest<ICounterGrain, int, string>
    {
        public override string InterfaceName => Interface;

        public override string MethodName => nameof(WhereAmI);

        protected override Task<string> Invoke(ICounterGrain grain, int arg, CancellationToken cancellationToken) => grain.WhereAmI(arg);
    }

    internal sealed class Proxy(IGrainCallInvoker invoker, GrainId id) : GrainReference(invoker, id), ICounterGrain
    {
        public override string InterfaceName => Interface;

        public Task<int> Increment(int by) => InvokeAsync<int>(new IncrementRequest { Arg = by });

        public Task<int> Read(int unused) => InvokeAsync<int>(new ReadRequest { Arg = unused });

        public Task<string> WhereAmI(int unused) => InvokeAsync<string>(new WhereRequest { Arg = unused });
    }

    internal static void Register()
    {
        GeneratedCodeRegistry.RegisterInterface(new GrainInterfaceMetadata(typeof(ICounterGrain), false, (i, id) => new Proxy(i, id), [new IncrementRequest(), new ReadRequest(), new WhereRequest()]));
        GeneratedCodeRegistry.RegisterGrainClass(new GrainClassMetadata(typeof(CounterGrain), "counter", [typeof(ICounterGrain)], PlacementStrategy.Random, false,
            (services, context) => GrainConstructionScope.Construct(context, () => new CounterGrain(context.GetPersistentState<CounterState>("counter", "Default")))));
    }
}
