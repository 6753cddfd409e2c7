using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansML.Runtime.Hosting;
using OrleansML.Runtime.Membership;
using OrleansML.Runtime.Tests.Core.Grains;

namespace OrleansML.Runtime.Tests.Core;

/// <summary>Silos hosted the documented way (docs/runtime.md §8): TCP + SQLite clustering + file grain storage.</summary>
[Collection(CoreTestGroup.Name)]
public sealed class WiringTests : IDisposable
{
    private const string Secret = "wiring-test-secret-0123456789";
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Silos_wired_with_TCP_SQLite_clustering_and_file_storage_form_a_cluster_and_keep_state_across_restarts()
    {
        string key = $"wired-{Guid.NewGuid():N}";
        using IHost first = await StartSiloAsync("a");
        using IHost second = await StartSiloAsync("b");
        SiloAddress[] silos = [Address(first), Address(second)];
        await WaitUntilActiveAsync(first, silos);
        await WaitUntilActiveAsync(second, silos);

        // Random placement over two silos: twenty grains land on both (all on one: probability 2^-19).
        IGrainFactory factory = first.Services.GetRequiredService<IGrainFactory>();
        string[] hosts = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => factory.GetGrain<IProbeGrain>($"{key}-{i}").WhereAmI("")));
        Assert.Equal(silos.Select(s => s.ToString()).Order(), hosts.Distinct().Order());

        ICounterGrain counter = factory.GetGrain<ICounterGrain>(key);
        Assert.Equal(7, await counter.Increment(7));
        await second.StopAsync();
        await first.StopAsync();

        // A new silo on the same files finds the state, and the table shows the old incarnations Dead.
        using IHost third = await StartSiloAsync("c");
        Assert.Equal(7, await third.Services.GetRequiredService<IGrainFactory>().GetGrain<ICounterGrain>(key).Read(0));
        MembershipSnapshot view = third.Services.GetRequiredService<IClusterMembershipView>().Current;
        Assert.All(silos, s => Assert.Equal(SiloStatus.Dead, view.Find(s)?.Status));
        await third.StopAsync();
    }

    [Fact]
    public async Task A_SQLite_cluster_id_that_differs_from_the_silo_options_fails_the_start_naming_both()
    {
        IHost host = Build("x", clusterId: "other");
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("SqliteClusteringOptions.ClusterId", error.Message, StringComparison.Ordinal);
        Assert.Contains("SiloOptions.ClusterId", error.Message, StringComparison.Ordinal);
        host.Dispose();
    }

    private IHost Build(string name, string clusterId = "wired")
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        builder.Services.AddOrleansMLSilo(o =>
            {
                Testing.TestClusterOptions.ApplyTestDefaults(o);
                o.ClusterId = "wired";
                o.ClusterSecret = Secret;
                o.SiloName = name;
            })
            .UseTcpTransport()
            .UseSqliteClustering(Path.Combine(_directory.Path, "cluster.db"), clusterId)
            .ConfigureMembership(MembershipOptions.ForTesting().CopyTo)
            .AddFileGrainStorage("Default", Path.Combine(_directory.Path, "state"))
            .AddGrainAssembly(typeof(CounterGrain).Assembly);
        return builder.Build();
    }

    private async Task<IHost> StartSiloAsync(string name)
    {
        IHost host = Build(name);
        await host.StartAsync();
        return host;
    }

    private static SiloAddress Address(IHost host) => host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;

    private static async Task WaitUntilActiveAsync(IHost host, SiloAddress[] silos)
    {
        IMembershipAgent agent = host.Services.GetRequiredService<IMembershipAgent>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!silos.All(agent.Current.ActiveSilos.Contains))
        {
            await Task.Delay(50, timeout.Token);
            await agent.RefreshAsync(timeout.Token);
        }
    }
}
