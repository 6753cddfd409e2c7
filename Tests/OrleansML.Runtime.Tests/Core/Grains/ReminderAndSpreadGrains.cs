using System.Collections.Concurrent;
using OrleansML.Runtime.Invocation;
using OrleansML.Runtime.Reminders;

namespace OrleansML.Runtime.Tests.Core.Grains;

public interface IReminderGrain : IGrainWithStringKey, IRemindable
{
    Task<int> Start(int periodMilliseconds);

    Task<int> Cancel(int unused);
}

/// <summary>Records every reminder tick with the silo that received it.</summary>
public sealed class ReminderGrain : Grain, IReminderGrain
{
    public static readonly ConcurrentDictionary<string, ConcurrentQueue<string>> Ticks = new();

    public async Task<int> Start(int periodMilliseconds)
    {
        await RegisterOrUpdateReminderAsync("tick", TimeSpan.FromMilliseconds(periodMilliseconds), TimeSpan.FromMilliseconds(periodMilliseconds));
        return periodMilliseconds;
    }

    public async Task<int> Cancel(int unused)
    {
        await UnregisterReminderAsync("tick");
        return 0;
    }

    public Task ReceiveReminder(string reminderName, DateTimeOffset firedAt)
    {
        Ticks.GetOrAdd(GetPrimaryKeyString(), _ => new()).Enqueue(Context.Silo.ToString());
        return Task.CompletedTask;
    }

    internal const string Interface = "OrleansML.Runtime.Tests.Core.Grains.IReminderGrain";

    internal sealed class StartRequest : TestRequest<IReminderGrain, int, int>
    {
        public override string InterfaceName => Interface;

        public override string MethodName => nameof(Start);

        protected override Task<int> Invoke(IReminderGrain grain, int arg, CancellationToken cancellationToken) => grain.Start(arg);
    }

    internal sealed class CancelRequest : TestRequest<IReminderGrain, int, int>
    {
        public override string InterfaceName => Interface;

        public override string MethodName => nameof(Cancel);

        protected override Task<int> Invoke(IReminderGrain grain, int arg, CancellationToken cancellationToken) => grain.Cancel(arg);
    }

    internal sealed class Proxy(IGrainCallInvoker invoker, GrainId id) : GrainReference(invoker, id), IReminderGrain
    {
        public override string InterfaceName => Interface;

        public Task<int> Start(int periodMilliseconds) => InvokeAsync<int>(new StartRequest { Arg = periodMilliseconds });

        public Task<int> Cancel(int unused) => InvokeAsync<int>(new CancelRequest { Arg = unused });

        public Task ReceiveReminder(string reminderName, DateTimeOffset firedAt) =>
            InvokeVoidAsync(new ReceiveReminderRequest { ReminderName = reminderName, FiredAt = firedAt });
    }

    internal static void Register()
    {
        GeneratedCodeRegistry.RegisterInterface(new GrainInterfaceMetadata(typeof(IReminderGrain), false, (i, id) => new Proxy(i, id), [new StartRequest(), new CancelRequest()]));
        GeneratedCodeRegistry.RegisterGrainClass(new GrainClassMetadata(typeof(ReminderGrain), "reminder", [typeof(IReminderGrain), typeof(IRemindable)], PlacementStrategy.Random, false,
            (_, ctx) => GrainConstructionScope.Construct(ctx, () => new ReminderGrain())));
    }
}

public interface ISpreadGrain : IGrainWithStringKey
{
    Task<string> WhereAmI(int unused);
}

[SpreadPlacement]
public sealed class SpreadGrain : Grain, ISpreadGrain
{
    public Task<string> WhereAmI(int unused) => Task.FromResult(Context.Silo.ToString());

    internal sealed class WhereRequest : TestRequest<ISpreadGrain, int, string>
    {
        public override string InterfaceName => typeof(ISpreadGrain).FullName!;

        public override string MethodName => nameof(WhereAmI);

        protected override Task<string> Invoke(ISpreadGrain grain, int arg, CancellationToken cancellationToken) => grain.WhereAmI(arg);
    }

    internal sealed class Proxy(IGrainCallInvoker invoker, GrainId id) : GrainReference(invoker, id), ISpreadGrain
    {
        public override string InterfaceName => typeof(ISpreadGrain).FullName!;

        public Task<string> WhereAmI(int unused) => InvokeAsync<string>(new WhereRequest { Arg = unused });
    }

    internal static void Register()
    {
        GeneratedCodeRegistry.RegisterInterface(new GrainInterfaceMetadata(typeof(ISpreadGrain), false, (i, id) => new Proxy(i, id), [new WhereRequest()]));
        GeneratedCodeRegistry.RegisterGrainClass(new GrainClassMetadata(typeof(SpreadGrain), "spread", [typeof(ISpreadGrain)], PlacementStrategy.Spread, false,
            (_, ctx) => GrainConstructionScope.Construct(ctx, () => new SpreadGrain())));
    }
}

/// <summary>Registers the hand-written "generated" code when the test assembly loads, as the generator's module initialiser will.</summary>
internal static class TestGrainRegistration
{
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void Register()
    {
        CounterGrain.Register();
        ProbeGrain.Register();
        OverlapRegistration.Register();
        ReminderGrain.Register();
        SpreadGrain.Register();
        PlacementGrainRegistration.Register();
        Serialization.JsonSerializationRegistry.Add(TestJsonContext.Default);
    }
}
