using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using OrleansML.Grains.Hosting;
using OrleansML.Grains.Hosting.Transport;

namespace OrleansML.Training.Tests.Transport;

/// <summary>Which of Orleans' connection registrations the transport setting replaces, read from built hosts.</summary>
public sealed class TransportHostingTests
{
    [Fact]
    public void On_a_silo_the_bulk_kind_replaces_the_silo_connection_factory_and_the_silo_and_gateway_listeners()
    {
        int replaced = -1;
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo => replaced = TransportHosting.Use(silo.Services, new TransportSettings()));
        using IHost host = builder.Build();

        Assert.Equal(3, replaced);
        Assert.Equal(
            [typeof(BulkConnectionFactory), typeof(BulkConnectionListenerFactory), typeof(BulkConnectionListenerFactory)],
            Resolve(builder.Services, host.Services));
    }

    [Fact]
    public void On_a_client_the_bulk_kind_replaces_the_gateway_connection_factory()
    {
        int replaced = -1;
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleansClient(client => replaced = TransportHosting.Use(client.Services, new TransportSettings()));
        using IHost host = builder.Build();

        Assert.Equal(1, replaced);
        Assert.Equal([typeof(BulkConnectionFactory)], Resolve(builder.Services, host.Services));
    }

    [Fact]
    public void The_orleans_kind_leaves_orleans_own_transport_in_place()
    {
        int replaced = -1;
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo => replaced = TransportHosting.Use(silo.Services, new TransportSettings { Kind = TransportKind.Orleans }));
        using IHost host = builder.Build();

        Assert.Equal(0, replaced);
        Assert.DoesNotContain(Resolve(builder.Services, host.Services), type => type.Namespace == typeof(TransportHosting).Namespace);
    }

    [Fact]
    public void Another_transport_registered_for_orleans_keys_is_left_alone()
    {
        var builder = Host.CreateApplicationBuilder();
        var key = new object();
        builder.Services.AddKeyedSingleton<IConnectionFactory>(key, (_, _) => throw new InvalidOperationException("not resolved"));

        int replaced = TransportHosting.Use(builder.Services, new TransportSettings());

        Assert.Equal(0, replaced);
    }

    [Fact]
    public void A_silo_with_an_unknown_transport_kind_does_not_start_and_the_error_names_the_key()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection([new("OrleansML:Transport:Kind", "Quic")]);

        var error = Assert.Throws<SiloStartupException>(() => builder.UseOrleans(silo => silo.UseOrleansMLTransport()));

        Assert.Contains("OrleansML:Transport:Kind is 'Quic'", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The types Orleans would get for each keyed connection registration, in registration order.</summary>
    private static Type[] Resolve(IServiceCollection services, IServiceProvider provider) =>
    [
        .. services
            .Where(d => d.IsKeyedService && (d.ServiceType == typeof(IConnectionFactory) || d.ServiceType == typeof(IConnectionListenerFactory)))
            .Select(d => provider.GetRequiredKeyedService(d.ServiceType, d.ServiceKey).GetType()),
    ];
}
