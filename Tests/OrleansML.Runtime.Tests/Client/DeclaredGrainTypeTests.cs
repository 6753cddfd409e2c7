using Microsoft.Extensions.DependencyInjection;
using OrleansML.Runtime.Client;
using OrleansML.Runtime.Invocation;
using OrleansML.Runtime.Membership;
using OrleansML.Runtime.Messaging;
using OrleansML.Runtime.Testing;
using OrleansML.Runtime.Tests.Core;
using OrleansML.Runtime.Tests.TestSupport;

namespace OrleansML.Runtime.Tests.Client;

/// <summary>A caller needs only a grain interface that declares its grain type, never the grain class.</summary>
[Collection(CoreTestGroup.Name)]
public sealed class DeclaredGrainTypeTests
{
    [Fact]
    public void A_reference_takes_the_declared_grain_type_when_no_process_class_implements_the_interface()
    {
        Assert.Empty(GeneratedCodeRegistry.FindImplementations(typeof(IUnservedGrain)));
        Assert.Null(GeneratedCodeRegistry.FindGrainClass("declared-unserved"));

        var factory = new GrainFactory(new RefusingInvoker());
        var reference = (GrainReference)(object)factory.GetGrain<IUnservedGrain>("k1");

        Assert.Equal(new GrainId("declared-unserved", "k1"), reference.GrainId);
    }

    [Fact]
    public void A_declared_type_that_the_implementing_class_does_not_have_is_a_clear_error()
    {
        var factory = new GrainFactory(new RefusingInvoker());

        InvalidOperationException other = Assert.Throws<InvalidOperationException>(() => factory.GetGrain<IMisdeclaredGrain>("k"));
        Assert.Contains("declares grain type 'declared-elsewhere'", other.Message, StringComparison.Ordinal);
        Assert.Contains("MisdeclaredGrain: 'misdeclared'", other.Message, StringComparison.Ordinal);

        InvalidOperationException foreign = Assert.Throws<InvalidOperationException>(() => factory.GetGrain<IForeignDeclarationGrain>("k"));
        Assert.Contains($"the grain class of that type, {typeof(DeclaredEchoGrain).FullName}, does not implement it", foreign.Message, StringComparison.Ordinal);

        InvalidOperationException undeclared = Assert.Throws<InvalidOperationException>(() => factory.GetGrain<IUndeclaredUnservedGrain>("k"));
        Assert.Contains("[GrainType(\"name\")] on the interface", undeclared.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_declaration_that_agrees_with_the_class_resolves_to_it()
    {
        var factory = new GrainFactory(new RefusingInvoker());
        var reference = (GrainReference)(object)factory.GetGrain<IDeclaredEchoGrain>("k2");

        Assert.Equal(new GrainId("declared-echo", "k2"), reference.GrainId);
        Assert.Equal(typeof(DeclaredEchoGrain), GeneratedCodeRegistry.FindGrainClass(reference.GrainId.Type)!.GrainClass);
    }

    [Fact]
    public async Task An_external_client_calls_through_the_declared_type_and_the_gateway_rejects_a_type_no_silo_serves()
    {
        var options = new TestClusterOptions { InitialSiloCount = 2, ConfigureTransport = t => t.GatewayPort = 0 };
        await using var cluster = new TestCluster(options);
        await cluster.DeployAsync();

        var services = new ServiceCollection();
        services.AddSingleton<IGatewayListProvider>(new TableGatewayListProvider(cluster.MembershipTable));
        services.AddClusterClient(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ClusterSecret = options.ClusterSecret;
            o.ResponseTimeout = TimeSpan.FromSeconds(10);
        });
        await using ServiceProvider provider = services.BuildServiceProvider();
        IClusterClient client = provider.GetRequiredService<IClusterClient>();
        await client.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(15));

        string key = TestKeys.Unique("declared");
        Assert.Equal($"{key}: hi", await client.GetGrain<IDeclaredEchoGrain>(key).Echo("hi").WaitAsync(TimeSpan.FromSeconds(15)));

        // The client sent the declared type without any class for it; the gateway, which places, refuses it.
        GrainCallRejectedException rejected = await Assert.ThrowsAsync<GrainCallRejectedException>(
            () => client.GetGrain<IUnservedGrain>(key).Echo("hi").WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal(RejectionKind.UnknownGrain, rejected.Kind);
        Assert.Contains("'declared-unserved'", rejected.Message, StringComparison.Ordinal);

        // From a silo the same: the reference is built and sent; only placing the grain needs its class.
        GrainCallRejectedException fromSilo = await Assert.ThrowsAsync<GrainCallRejectedException>(
            () => cluster.Client.GetGrain<IUnservedGrain>(key).Echo("hi").WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal(RejectionKind.UnknownGrain, fromSilo.Kind);
        Assert.Contains("cannot place declared-unserved/", fromSilo.Message, StringComparison.Ordinal);
    }

    /// <summary>References in these tests are only built, never called.</summary>
    private sealed class RefusingInvoker : IGrainCallInvoker
    {
        public IGrainFactory GrainFactory => new GrainFactory(this);

        public ValueTask<object?> InvokeAsync(GrainReference target, GrainRequest request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("no call is expected");

        public IAsyncEnumerable<object?> InvokeStreamAsync(GrainReference target, GrainRequest request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("no call is expected");
    }
}
