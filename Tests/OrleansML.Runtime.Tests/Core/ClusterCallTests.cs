using OrleansML.Runtime.Tests.TestSupport;
using OrleansML.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OrleansML.Runtime.Testing;
using OrleansML.Runtime.Tests.Core.Doubles;
using OrleansML.Runtime.Tests.Core.Grains;

namespace OrleansML.Runtime.Tests.Core;

[Collection(CoreTestGroup.Name)]
public sealed class ClusterCallTests
{
    [Fact]
    public async Task Calls_return_results_across_three_silos()
    {
        await using TestCluster cluster = await new CoreClusterFactory().DeployAsync(3);
        Assert.Equal(3, cluster.Silos.Count);

        // One grain pinned to each silo, called from every silo: 9 caller/callee pairs, local and remote.
        var grains = new List<(IProbeGrain Grain, TestSilo Host)>();
        foreach (TestSilo silo in cluster.Silos)
        {
            IProbeGrain grain = cluster.Client.GetGrain<IProbeGrain>(TestKeys.Unique("pinned"));
            cluster.PinGrain(grain, silo);
            grains.Add((grain, silo));
        }

        foreach (TestSilo caller in cluster.Silos)
        {
            foreach ((IProbeGrain target, TestSilo host) in grains)
            {
                IProbeGrain viaCaller = caller.GrainFactory.GetGrain<IProbeGrain>(((Invocation.GrainReference)target).GrainId.Key);
                Assert.Equal($"{((Invocation.GrainReference)target).GrainId.Key}:hi", await viaCaller.Echo("hi"));
                Assert.Equal(host.Address.ToString(), await viaCaller.WhereAmI(""));
            }
        }

        foreach ((IProbeGrain grain, TestSilo host) in grains)
        {
            Assert.Equal(host.Address, await cluster.GetSiloHostingAsync(grain));
        }
    }

    [Fact]
    public async Task Exceptions_come_back_as_their_type_or_as_RemoteGrainException()
    {
        await using TestCluster cluster = await new CoreClusterFactory().DeployAsync(2);
        IProbeGrain grain = cluster.Client.GetGrain<IProbeGrain>(TestKeys.Unique("thrower"));
        cluster.PinGrain(grain, cluster.Silos[1]);

        var argument = await Assert.ThrowsAsync<ArgumentException>(() => grain.Fail("argument"));
        Assert.Equal("bad argument from the grain", argument.Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Fail("other"));
        var remote = await Assert.ThrowsAsync<RemoteGrainException>(() => grain.Fail("custom"));
        Assert.Equal(typeof(CustomGrainException).FullName, remote.ExceptionType);
        Assert.Contains("custom failure", remote.Message, StringComparison.Ordinal);

        // The grain survived its exceptions.
        Assert.StartsWith("thrower", await grain.Echo("still here"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_chain_back_into_a_non_reentrant_grain_is_admitted()
    {
        await using TestCluster cluster = await new CoreClusterFactory().DeployAsync(2);
        IProbeGrain a = cluster.Client.GetGrain<IProbeGrain>(TestKeys.Unique("a"));
        IProbeGrain b = cluster.Client.GetGrain<IProbeGrain>(TestKeys.Unique("b"));
        cluster.PinGrain(a, cluster.Silos[0]);
        cluster.PinGrain(b, cluster.Silos[1]);
        string bKey = ((Invocation.GrainReference)b).GrainId.Key;
        string aKey = ((Invocation.GrainReference)a).GrainId.Key;

        string result = await a.CallBackThrough(bKey).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal($"{bKey} got {aKey}:back", result);
    }
}

[Collection(CoreTestGroup.Name)]
public sealed class SiloStartTests
{
    [Fact]
    public async Task A_silo_with_invalid_options_fails_to_start_naming_the_option()
    {
        await using TestCluster cluster = new CoreClusterFactory().Create(1, o => o.VirtualNodesPerSilo = 0);
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => cluster.DeployAsync());
        Assert.Contains("SiloOptions.VirtualNodesPerSilo", error.Message, StringComparison.Ordinal);
        Assert.Empty(cluster.Silos);
    }

    [Fact]
    public async Task A_silo_without_a_transport_fails_with_a_clear_error()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new() { DisableDefaults = true });
        builder.Services.AddLogging();
        builder.Services.AddOrleansMLSilo(o => o.ClusterSecret = "a-secret-of-sixteen-bytes")
            .UseInMemoryClustering(new global::OrleansML.Runtime.Membership.InMemoryMembershipTable());
        using Microsoft.Extensions.Hosting.IHost host = builder.Build();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());
        Assert.Contains("ITransport", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_transport_takes_the_cluster_id_and_secret_from_the_silo_options_and_refuses_a_second_value()
    {
        var silo = new SiloOptions { ClusterId = "prod", ClusterSecret = "a-secret-of-sixteen-bytes" };
        global::OrleansML.Runtime.Transport.TransportOptions options = SiloBuilderExtensions.CreateTransportOptions(silo, t => t.SiloPort = 0);
        Assert.Equal("prod", options.ClusterId);
        Assert.Equal(silo.ClusterSecret, options.ClusterSecret);
        Assert.Equal(System.Net.IPAddress.Loopback, options.ListenAddress);

        var wildcard = SiloBuilderExtensions.CreateTransportOptions(
            new SiloOptions { ClusterId = "prod", ClusterSecret = silo.ClusterSecret, AdvertisedHost = "10.1.2.3" },
            t => t.ListenAddress = System.Net.IPAddress.Any);
        Assert.Equal(System.Net.IPAddress.Parse("10.1.2.3"), wildcard.AdvertisedAddress);

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            SiloBuilderExtensions.CreateTransportOptions(silo, t => t.ClusterId = "other"));
        Assert.Contains("SiloOptions.ClusterId", error.Message, StringComparison.Ordinal);

        // The secret lives in SiloOptions only: a missing one fails the transport, naming its option.
        var missing = Assert.Throws<ArgumentException>(() =>
            SiloBuilderExtensions.CreateTransportOptions(new SiloOptions { ClusterId = "prod" }, null));
        Assert.Contains("ClusterSecret", missing.Message, StringComparison.Ordinal);
    }
}
