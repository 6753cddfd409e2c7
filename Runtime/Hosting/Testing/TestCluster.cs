using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansML.Runtime.Directory;
using OrleansML.Runtime.Hosting;
using OrleansML.Runtime.Invocation;
using OrleansML.Runtime.Membership;
using OrleansML.Runtime.Persistence;
using OrleansML.Runtime.Placement;
using OrleansML.Runtime.Reminders;
using OrleansML.Runtime.Transport;

namespace OrleansML.Runtime.Testing;

/// <summary>
/// N silos in one process, each with its own host and DI container, on the real stack by default: TCP on
/// loopback (port 0), the membership agent over one shared <see cref="InMemoryMembershipTable"/> (failure
/// detection per <see cref="TestClusterOptions.Membership"/>), one shared <see cref="InMemoryReminderTable"/>
/// and one shared memory grain storage named "Default". <see cref="TestClusterOptions.ConfigureSilo"/> may
/// replace any of them. <see cref="StopSiloAsync"/> is a graceful stop; <see cref="KillSiloAsync"/> is a
/// crash: sockets are reset, no grain, membership or host shutdown code runs.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly TestClusterOptions _options;
    private readonly List<TestSilo> _silos = [];
    private readonly List<SiloAddress> _gone = [];
    private readonly Lock _gate = new();
    private readonly TestClusterClient _client;
    private int _nextInstance;

    /// <summary>Creates the cluster (start it with <see cref="DeployAsync"/>).</summary>
    public TestCluster(TestClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _client = new TestClusterClient(this);
        foreach (System.Reflection.Assembly assembly in options.GrainAssemblies)
        {
            GeneratedCodeRegistry.EnsureLoaded(assembly);
        }
    }

    /// <summary>The membership table the silos share (unless <see cref="TestClusterOptions.ConfigureSilo"/> brought its own membership).</summary>
    public InMemoryMembershipTable MembershipTable { get; } = new();

    /// <summary>The reminder table the silos share.</summary>
    public InMemoryReminderTable ReminderTable { get; } = new();

    /// <summary>The grain storage the silos share as "Default": state outlives the silo that wrote it.</summary>
    public IGrainStorage Storage { get; } = new MemoryGrainStorage();

    /// <summary>Placement pins shared by every silo.</summary>
    public PlacementHints PlacementHints { get; } = new();

    /// <summary>The live silos, in start order.</summary>
    public IReadOnlyList<TestSilo> Silos
    {
        get
        {
            lock (_gate)
            {
                return [.. _silos.Where(s => s.IsAlive)];
            }
        }
    }

    /// <summary>A grain factory for the test; calls go through a live silo.</summary>
    public IGrainFactory Client => _client.GrainFactory;

    /// <summary>Starts the initial silos, one after another (each joins the ones before).</summary>
    public async Task DeployAsync(CancellationToken cancellationToken = default)
    {
        for (int i = 0; i < _options.InitialSiloCount; i++)
        {
            await StartAdditionalSiloAsync(cancellationToken);
        }

        await WaitForLivenessToStabilizeAsync(cancellationToken);
    }

    /// <summary>Starts one more silo and waits until it has joined.</summary>
    public async Task<TestSilo> StartAdditionalSiloAsync(CancellationToken cancellationToken = default)
    {
        int instance = Interlocked.Increment(ref _nextInstance) - 1;
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        builder.Services.AddSingleton(PlacementHints);
        ISiloBuilder silo = builder.Services.AddOrleansMLSilo(o =>
        {
            TestClusterOptions.ApplyTestDefaults(o);
            o.ClusterId = _options.ClusterId;
            o.ClusterSecret = _options.ClusterSecret;
            o.SiloName = $"silo-{instance}";
            _options.ConfigureOptions?.Invoke(o);
        });
        _options.ConfigureSilo?.Invoke(instance, builder.Services);
        AddDefaults(silo);
        IHost host = builder.Build();
        var testSilo = new TestSilo(instance, host);
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            // The silo already shut its transport and agent (a failed start kills it): release its container.
            await DisposeHostAsync(host);
            throw;
        }

        _ = testSilo.Address; // cached while the container is alive
        lock (_gate)
        {
            _silos.Add(testSilo);
        }

        return testSilo;
    }

    private void AddDefaults(ISiloBuilder silo)
    {
        IServiceCollection services = silo.Services;
        if (!services.Any(d => d.ServiceType == typeof(ITransport)))
        {
            silo.UseTcpTransport(_options.ConfigureTransport);
        }

        if (!services.Any(d => d.ServiceType == typeof(IMembershipAgent)))
        {
            silo.UseInMemoryClustering(MembershipTable, ReminderTable);
            silo.ConfigureMembership(_options.Membership.CopyTo);
        }
        else if (!services.Any(d => d.ServiceType == typeof(IReminderTable)))
        {
            services.AddSingleton<IReminderTable>(ReminderTable);
        }

        if (!services.Any(d => d.IsKeyedService && d.ServiceType == typeof(IGrainStorage) && Equals(d.ServiceKey, "Default")))
        {
            silo.AddGrainStorage("Default", Storage);
        }
    }

    /// <summary>Stops a silo gracefully: its grains deactivate, it leaves the cluster.</summary>
    public async Task StopSiloAsync(TestSilo silo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(silo);
        MarkGone(silo);
        await silo.Host.StopAsync(cancellationToken);
        await DisposeHostAsync(silo.Host);
    }

    /// <summary>Kills a silo: processing stops at once and no shutdown code runs; the others must detect it.</summary>
    public async Task KillSiloAsync(TestSilo silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        MarkGone(silo);
        await silo.Services.GetRequiredService<SiloHostedService>().KillAsync();
        await DisposeHostAsync(silo.Host);
    }

    /// <summary>Stops a silo gracefully and starts a new one in its place (a new incarnation).</summary>
    public async Task<TestSilo> RestartSiloAsync(TestSilo silo, CancellationToken cancellationToken = default)
    {
        await StopSiloAsync(silo, cancellationToken);
        return await StartAdditionalSiloAsync(cancellationToken);
    }

    /// <summary>
    /// Waits until every live silo sees exactly the live silos as Active and every stopped or killed silo
    /// as Dead (or gone from the table).
    /// </summary>
    public async Task WaitForLivenessToStabilizeAsync(CancellationToken cancellationToken = default)
    {
        TimeSpan limit = _options.EffectiveStabilizationTimeout;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        string last = "";
        while (true)
        {
            IReadOnlyList<TestSilo> live = Silos;
            HashSet<SiloAddress> expected = [.. live.Select(s => s.Address)];
            SiloAddress[] gone;
            lock (_gate)
            {
                gone = [.. _gone];
            }

            bool stable = true;
            foreach (TestSilo silo in live)
            {
                MembershipSnapshot view = silo.Services.GetRequiredService<IClusterMembershipView>().Current;
                bool activeMatches = view.ActiveSilos.ToHashSet().SetEquals(expected);
                bool goneAreDead = gone.All(g => view.Find(g)?.Status is null or SiloStatus.Dead);
                if (!activeMatches || !goneAreDead)
                {
                    stable = false;
                    last = $"{silo} sees active [{string.Join(", ", view.ActiveSilos)}], expected [{string.Join(", ", expected)}]";
                    break;
                }
            }

            if (stable)
            {
                return;
            }

            try
            {
                await Task.Delay(100, timeout.Token);
                foreach (TestSilo silo in live)
                {
                    // Read the table now rather than at the next periodic refresh: a death another silo has
                    // already written becomes visible at once (detection itself still takes its window).
                    await RefreshQuietlyAsync(silo, timeout.Token);
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Liveness did not stabilise within {limit}: {last}.");
            }
        }
    }

    private static async Task RefreshQuietlyAsync(TestSilo silo, CancellationToken cancellationToken)
    {
        if (!silo.IsAlive || silo.Services.GetService<IMembershipAgent>() is not { } agent)
        {
            return;
        }

        try
        {
            await agent.RefreshAsync(cancellationToken);
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
        {
            // The silo went down while we looked: the next round skips it.
        }
    }

    /// <summary>The silo where <paramref name="grain"/> is registered as active, or null.</summary>
    public async Task<SiloAddress?> GetSiloHostingAsync(IAddressable grain, CancellationToken cancellationToken = default)
    {
        GrainId id = (grain as GrainReference ?? throw new ArgumentException("Not a grain reference.", nameof(grain))).GrainId;
        IReadOnlyList<TestSilo> live = Silos;
        TestSilo any = live.Count > 0 ? live[0] : throw new InvalidOperationException("No silo is alive.");
        GrainAddress? address = await any.Services.GetRequiredService<GrainDirectory>().LookupAsync(id, cancellationToken);
        return address?.Silo;
    }

    /// <summary>Pins <paramref name="grain"/> to <paramref name="silo"/> for its next activation.</summary>
    public void PinGrain(IAddressable grain, TestSilo silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        GrainId id = (grain as GrainReference ?? throw new ArgumentException("Not a grain reference.", nameof(grain))).GrainId;
        PlacementHints.Pin(id, silo.Address);
    }

    /// <summary>The live silo with <paramref name="address"/>, or null.</summary>
    public TestSilo? FindSilo(SiloAddress? address) => Silos.FirstOrDefault(s => s.Address == address);

    /// <summary>Stops every live silo gracefully.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (TestSilo silo in Silos.Reverse())
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await StopSiloAsync(silo, timeout.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or TimeoutException)
            {
                // A stop that hangs must not hang the test run: the silo is already marked down, kill it.
                await silo.Services.GetRequiredService<SiloHostedService>().KillAsync();
                await DisposeHostAsync(silo.Host);
            }
        }
    }

    private void MarkGone(TestSilo silo)
    {
        SiloAddress address = silo.Address;
        lock (_gate)
        {
            if (!silo.IsAlive)
            {
                throw new InvalidOperationException($"{silo} is already down.");
            }

            silo.IsAlive = false;
            _gone.Add(address);
        }
    }

    private static async Task DisposeHostAsync(IHost host)
    {
        if (host is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync();
        }
        else
        {
            host.Dispose();
        }
    }
}
