using System.Reflection;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using OrleansML.Runtime.Hosting;
using OrleansML.Runtime.Membership;
using OrleansML.Runtime.Transport;

namespace OrleansML.Runtime.Testing;

/// <summary>How a <see cref="TestCluster"/> builds its silos.</summary>
public sealed class TestClusterOptions
{
    /// <summary>Silos started by <see cref="TestCluster.DeployAsync"/>. Default 2.</summary>
    public int InitialSiloCount { get; set; } = 2;

    /// <summary>The cluster id (a fresh one per cluster by default).</summary>
    public string ClusterId { get; set; } = "test-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The cluster secret every silo proves in the transport handshake (a fresh random one per cluster by default).</summary>
    public string ClusterSecret { get; set; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));

    /// <summary>Failure detection of the silos' membership agents. Default <see cref="MembershipOptions.ForTesting"/>.</summary>
    public MembershipOptions Membership { get; set; } = MembershipOptions.ForTesting();

    /// <summary>Adjusts each silo's TCP transport (ports default to any free loopback port).</summary>
    public Action<TransportOptions>? ConfigureTransport { get; set; }

    /// <summary>Assemblies whose generated grains the silos load.</summary>
    public IList<Assembly> GrainAssemblies { get; } = [];

    /// <summary>
    /// Adds services to each silo (filters, test doubles). Called once per silo with its instance number (0, 1,
    /// ... in start order; a restart gets a new one), before the defaults: the real stack fills in whatever
    /// this leaves out — the TCP transport on loopback, the membership agent over the cluster's
    /// <see cref="InMemoryMembershipTable"/> with its <see cref="Reminders.InMemoryReminderTable"/>, and the
    /// cluster's shared memory grain storage as "Default".
    /// </summary>
    public Action<int, IServiceCollection>? ConfigureSilo { get; set; }

    /// <summary>Adjusts each silo's options after the test defaults (see <see cref="ApplyTestDefaults"/>).</summary>
    public Action<SiloOptions>? ConfigureOptions { get; set; }

    /// <summary>
    /// Longest <see cref="TestCluster.WaitForLivenessToStabilizeAsync"/> waits. Default null: three times the
    /// membership's death-detection window plus table refresh, plus 10 s of slack for loaded machines.
    /// </summary>
    public TimeSpan? StabilizationTimeout { get; set; }

    internal TimeSpan EffectiveStabilizationTimeout =>
        StabilizationTimeout ?? (3 * (Membership.DeathDetectionWindow + Membership.TableRefreshPeriod)) + TimeSpan.FromSeconds(10);

    /// <summary>Short limits for tests: 10 s calls, 1 s minimum reminder period, 5 s shutdown.</summary>
    public static void ApplyTestDefaults(SiloOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ResponseTimeout = TimeSpan.FromSeconds(10);
        options.MinimumReminderPeriod = TimeSpan.FromSeconds(1);
        options.ShutdownTimeout = TimeSpan.FromSeconds(5);
        options.ActivationTimeout = TimeSpan.FromSeconds(10);
        options.DeactivationTimeout = TimeSpan.FromSeconds(5);
        options.ReminderRefreshPeriod = TimeSpan.FromSeconds(5);
    }
}
