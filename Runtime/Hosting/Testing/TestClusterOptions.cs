using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using OrleansML.Runtime.Hosting;

namespace OrleansML.Runtime.Testing;

/// <summary>How a <see cref="TestCluster"/> builds its silos.</summary>
public sealed class TestClusterOptions
{
    /// <summary>Silos started by <see cref="TestCluster.DeployAsync"/>. Default 2.</summary>
    public int InitialSiloCount { get; set; } = 2;

    /// <summary>The cluster id (a fresh one per cluster by default).</summary>
    public string ClusterId { get; set; } = "test-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Assemblies whose generated grains the silos load.</summary>
    public IList<Assembly> GrainAssemblies { get; } = [];

    /// <summary>
    /// Adds each silo's pluggable services: the transport, the membership agent, storage, reminder table and
    /// filters. Called once per silo with its instance number (0, 1, ... in start order; a restart gets a new one).
    /// </summary>
    public Action<int, IServiceCollection>? ConfigureSilo { get; set; }

    /// <summary>Adjusts each silo's options after the test defaults (see <see cref="ApplyTestDefaults"/>).</summary>
    public Action<SiloOptions>? ConfigureOptions { get; set; }

    /// <summary>Longest <see cref="TestCluster.WaitForLivenessToStabilizeAsync"/> waits. Default 30 s.</summary>
    public TimeSpan StabilizationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Short limits for tests: 10 s calls, 1 s probes, 1 s minimum reminder period, 5 s shutdown.</summary>
    public static void ApplyTestDefaults(SiloOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ResponseTimeout = TimeSpan.FromSeconds(10);
        options.ProbeTimeout = TimeSpan.FromSeconds(1);
        options.MinimumReminderPeriod = TimeSpan.FromSeconds(1);
        options.ShutdownTimeout = TimeSpan.FromSeconds(5);
        options.ActivationTimeout = TimeSpan.FromSeconds(10);
        options.DeactivationTimeout = TimeSpan.FromSeconds(5);
        options.ReminderRefreshPeriod = TimeSpan.FromSeconds(5);
    }
}
