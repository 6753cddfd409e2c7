using Microsoft.Extensions.DependencyInjection;
using OrleansML.Runtime.Hosting;
using OrleansML.Runtime.Testing;
using OrleansML.Runtime.Transport;

namespace OrleansML.Runtime.Tests.Core.Doubles;

/// <summary>
/// Builds test clusters on the real stack (TestCluster's defaults: TCP on loopback, the membership agent
/// over an in-memory table, the in-memory reminder table, shared memory grain storage). Only a test that
/// needs a failure TCP cannot produce deterministically sets <see cref="Hub"/>.
/// </summary>
public sealed class CoreClusterFactory
{
    /// <summary>When set, silos talk through this in-memory hub instead of TCP (everything else stays real).</summary>
    public InMemoryTransportHub? Hub { get; init; }

    /// <summary>When set, every silo uses this clock.</summary>
    public TimeProvider? Time { get; init; }

    /// <summary>Adjusts the silos' TCP transport.</summary>
    public Action<TransportOptions>? ConfigureTransport { get; init; }

    /// <summary>Creates a cluster and deploys it; the cluster is disposed if deployment fails.</summary>
    public async Task<TestCluster> DeployAsync(int silos, Action<SiloOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        TestCluster cluster = Create(silos, configure, services);
        try
        {
            await cluster.DeployAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public TestCluster Create(int silos, Action<SiloOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var options = new TestClusterOptions { InitialSiloCount = silos, ConfigureOptions = configure, ConfigureTransport = ConfigureTransport };
        options.ConfigureSilo = (_, s) =>
        {
            if (Time is not null)
            {
                s.AddSingleton(Time);
            }

            if (Hub is { } hub)
            {
                s.AddSingleton<ITransport>(sp => hub.CreateTransport(sp.GetRequiredService<ILocalSiloDetails>()));
            }

            services?.Invoke(s);
        };
        return new TestCluster(options);
    }
}
