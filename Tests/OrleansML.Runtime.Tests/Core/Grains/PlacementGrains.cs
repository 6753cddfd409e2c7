using OrleansML.Runtime.Invocation;

namespace OrleansML.Runtime.Tests.Core.Grains;

public interface ILocalPlacedGrain : IGrainWithIntegerKey
{
    Task<string> WhereAmI(int unused);
}

public interface IHashPlacedGrain : IGrainWithIntegerKey
{
    Task<string> WhereAmI(int unused);
}

[PreferLocalPlacement]
public sealed class LocalPlacedGrain : Grain, ILocalPlacedGrain
{
    public Task<string> WhereAmI(int unused) => Task.FromResult(Context.Silo.ToString());
}

[HashBasedPlacement]
public sealed class HashPlacedGrain : Grain, IHashPlacedGrain
{
    public Task<string> WhereAmI(int unused) => Task.FromResult(Context.Silo.ToString());
}

internal static class PlacementGrainRegistration
{
    internal sealed class LocalWhere : TestRequest<ILocalPlacedGrain, int, string>
    {
        public override string InterfaceName => typeof(ILocalPlacedGrain).FullName!;

        public override string MethodName => "WhereAmI";

        protected override Task<string> Invoke(ILocalPlacedGrain grain, int arg, CancellationToken cancellationToken) => grain.WhereAmI(arg);
    }

    internal sealed class HashWhere : TestRequest<IHashPlacedGrain, int, string>
    {
        public override string InterfaceName => typeof(IHashPlacedGrain).FullName!;

        public override string MethodName => "WhereAmI";

        protected override Task<string> Invoke(IHashPlacedGrain grain, int arg, CancellationToken cancellationToken) => grain.WhereAmI(arg);
    }

    internal sealed class LocalProxy(IGrainCallInvoker invoker, GrainId id) : GrainReference(invoker, id), ILocalPlacedGrain
    {
        public override string InterfaceName => typeof(ILocalPlacedGrain).FullName!;

        public Task<string> WhereAmI(int unused) => InvokeAsync<string>(new LocalWhere { Arg = unused });
    }

    internal sealed class HashProxy(IGrainCallInvoker invoker, GrainId id) : GrainReference(invoker, id), IHashPlacedGrain
    {
        public override string InterfaceName => typeof(IHashPlacedGrain).FullName!;

        public Task<string> WhereAmI(int unused) => InvokeAsync<string>(new HashWhere { Arg = unused });
    }

    internal static void Register()
    {
        GeneratedCodeRegistry.RegisterInterface(new GrainInterfaceMetadata(typeof(ILocalPlacedGrain), true, (i, id) => new LocalProxy(i, id), [new LocalWhere()]));
        GeneratedCodeRegistry.RegisterGrainClass(new GrainClassMetadata(typeof(LocalPlacedGrain), "local-placed", [typeof(ILocalPlacedGrain)], PlacementStrategy.PreferLocal, false,
            (_, ctx) => GrainConstructionScope.Construct(ctx, () => new LocalPlacedGrain())));
        GeneratedCodeRegistry.RegisterInterface(new GrainInterfaceMetadata(typeof(IHashPlacedGrain), true, (i, id) => new HashProxy(i, id), [new HashWhere()]));
        GeneratedCodeRegistry.RegisterGrainClass(new GrainClassMetadata(typeof(HashPlacedGrain), "hash-placed", [typeof(IHashPlacedGrain)], PlacementStrategy.HashBased, false,
            (_, ctx) => GrainConstructionScope.Construct(ctx, () => new HashPlacedGrain())));
    }
}
