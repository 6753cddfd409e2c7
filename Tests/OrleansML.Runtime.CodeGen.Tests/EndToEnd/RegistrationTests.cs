using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using OrleansML.Runtime.Invocation;
using Options = OrleansML.Runtime.Invocation.InvokeMethodOptions;

namespace OrleansML.Runtime.CodeGen.Tests.EndToEnd;

/// <summary>What the generated module initialisers registered for this assembly.</summary>
public sealed class RegistrationTests
{
    public RegistrationTests() => GeneratedCodeRegistry.EnsureLoaded(typeof(RegistrationTests).Assembly);

    [Fact]
    public void Interfaces_are_registered_with_their_key_kind_and_wire_name()
    {
        GrainInterfaceMetadata accumulator = GeneratedCodeRegistry.FindInterface(typeof(IAccumulatorGrain))!;
        GrainInterfaceMetadata shard = GeneratedCodeRegistry.FindInterface(typeof(IShardGrain))!;

        Assert.False(accumulator.HasIntegerKey);
        Assert.True(shard.HasIntegerKey);
        Assert.Equal("OrleansML.Runtime.CodeGen.Tests.EndToEnd.IAccumulatorGrain", accumulator.InterfaceName);
        Assert.Same(shard, GeneratedCodeRegistry.FindInterface("OrleansML.Runtime.CodeGen.Tests.EndToEnd.IShardGrain"));
        Assert.Equal(["Increment", "SwitchMode", "ClockReading", "HasTracer", "Key"], shard.Methods.Select(m => m.MethodName));
        Assert.All(shard.Methods, m => Assert.Equal(shard.InterfaceName, m.InterfaceName));
    }

    [Fact]
    public void Method_ids_equal_the_runtime_hash_of_the_generated_signature()
    {
        string[] interfaces = [nameof(IAccumulatorGrain), nameof(IShardGrain), nameof(IKeyedGrain)];
        foreach (GrainRequest request in interfaces.SelectMany(i => GeneratedCodeRegistry.FindInterface("OrleansML.Runtime.CodeGen.Tests.EndToEnd." + i)!.Methods))
        {
            string signature = (string)request.GetType().GetField("MethodSignature", BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null)!;
            Assert.StartsWith(request.MethodName + "(", signature, StringComparison.Ordinal);
            Assert.Equal(StableHashing.Hash(signature), request.MethodId);
        }

        GrainInterfaceMetadata accumulator = GeneratedCodeRegistry.FindInterface(typeof(IAccumulatorGrain))!;
        Assert.Equal(StableHashing.Hash("Add(float[])"), Method(accumulator, "Add").MethodId);
        Assert.Equal(StableHashing.Hash("Describe(OrleansML.Runtime.CodeGen.Tests.EndToEnd.TrainingRequest)"), Method(accumulator, "Describe").MethodId);
        Assert.Equal(StableHashing.Hash("CountTo(int,System.Threading.CancellationToken)"), Method(accumulator, "CountTo").MethodId);
    }

    [Theory]
    [InlineData("Add", Options.ImmutableResult)] // Task: no result to copy
    [InlineData("Snapshot", Options.ImmutableArguments)] // float[] result: copied for local callers
    [InlineData("Sum", Options.ReadOnly | Options.ImmutableArguments | Options.ImmutableResult)]
    [InlineData("Describe", Options.None)]
    [InlineData("CountTo", Options.Stream | Options.ImmutableArguments)] // streams always travel encoded
    [InlineData("Names", Options.Stream | Options.ImmutableArguments)]
    [InlineData("Echo", Options.AlwaysInterleave | Options.ImmutableArguments | Options.ImmutableResult)]
    [InlineData("Distance", Options.ImmutableArguments | Options.ImmutableResult)]
    public void Method_flags_follow_attributes_streams_and_argument_types(string method, Options expected)
    {
        Assert.Equal(expected, Method(GeneratedCodeRegistry.FindInterface(typeof(IAccumulatorGrain))!, method).Flags);
    }

    [Fact]
    public void Shard_enum_argument_is_immutable()
    {
        Assert.Equal(Options.ImmutableArguments | Options.ImmutableResult, Method(GeneratedCodeRegistry.FindInterface(typeof(IShardGrain))!, "SwitchMode").Flags);
    }

    [Fact]
    public void An_interface_registers_the_grain_type_it_declares_and_null_without_one()
    {
        Assert.Equal("accumulator", GeneratedCodeRegistry.FindInterface(typeof(IAccumulatorGrain))!.DeclaredGrainType);
        Assert.Null(GeneratedCodeRegistry.FindInterface(typeof(IKeyedGrain))!.DeclaredGrainType);
        Assert.Null(GeneratedCodeRegistry.FindInterface(typeof(IShardGrain))!.DeclaredGrainType);
    }

    [Fact]
    public void Grain_classes_are_registered_with_name_placement_reentrancy_and_interfaces()
    {
        GrainClassMetadata accumulator = GeneratedCodeRegistry.FindGrainClass("accumulator")!;
        GrainClassMetadata shard = GeneratedCodeRegistry.FindGrainClass("shard")!;
        GrainClassMetadata plain = GeneratedCodeRegistry.FindGrainClass("plain")!;

        Assert.Equal(typeof(AccumulatorGrain), accumulator.GrainClass);
        Assert.Equal(PlacementStrategy.HashBased, accumulator.Placement);
        Assert.True(accumulator.IsReentrant);
        Assert.Equal([typeof(IAccumulatorGrain)], accumulator.Interfaces);

        Assert.Equal(typeof(ShardGrain), shard.GrainClass);
        Assert.Equal(PlacementStrategy.Spread, shard.Placement);
        Assert.False(shard.IsReentrant);
        Assert.Equal([typeof(IKeyedGrain), typeof(IShardGrain)], shard.Interfaces.OrderBy(t => t.Name));

        Assert.Equal(PlacementStrategy.Random, plain.Placement);
        Assert.Equal([typeof(IKeyedGrain)], plain.Interfaces);
        Assert.Equal([plain, shard], GeneratedCodeRegistry.FindImplementations(typeof(IKeyedGrain)).OrderBy(c => c.GrainType));
    }

    [Fact]
    public void Activator_reports_a_missing_service_by_name()
    {
        GrainClassMetadata shard = GeneratedCodeRegistry.FindGrainClass("shard")!;
        IServiceProvider empty = new ServiceCollection().BuildServiceProvider();
        var invoker = new LoopbackInvoker(empty);
        var context = new TestGrainContext(new GrainId("shard", "1"), empty, invoker, invoker.Store);

        var error = Assert.Throws<InvalidOperationException>(() => shard.Activator(empty, context));

        Assert.Contains("'OrleansML.Runtime.CodeGen.Tests.EndToEnd.ShardGrain'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'OrleansML.Runtime.CodeGen.Tests.EndToEnd.ITestClock'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'clock'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Activator_binds_the_grain_to_its_context()
    {
        GrainClassMetadata plain = GeneratedCodeRegistry.FindGrainClass("plain")!;
        IServiceProvider services = new ServiceCollection().BuildServiceProvider();
        var invoker = new LoopbackInvoker(services);
        var context = new TestGrainContext(new GrainId("plain", "7"), services, invoker, invoker.Store);

        var grain = Assert.IsType<PlainGrain>(plain.Activator(services, context));

        Assert.Same(context, grain.InjectedContext);
        Assert.Equal(new GrainId("plain", "7"), grain.GrainId);
    }

    [Fact]
    public void Proxies_are_equal_by_grain_id_and_interface()
    {
        var invoker = new LoopbackInvoker(new ServiceCollection().BuildServiceProvider());
        IKeyedGrain first = invoker.GetGrain<IKeyedGrain>("plain", "5");
        IKeyedGrain second = invoker.GetGrain<IKeyedGrain>("plain", "5");

        var reference = Assert.IsAssignableFrom<GrainReference>(first);
        Assert.Equal(first, second);
        Assert.Equal("OrleansML.Runtime.CodeGen.Tests.EndToEnd.IKeyedGrain", reference.InterfaceName);
    }

    private static GrainRequest Method(GrainInterfaceMetadata metadata, string name) => metadata.Methods.Single(m => m.MethodName == name);
}
