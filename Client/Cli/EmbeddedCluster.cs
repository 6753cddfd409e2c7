using OrleansML.Grains.Hosting;
using OrleansML.Runtime;
using OrleansML.Runtime.Membership;
using OrleansML.Runtime.Testing;

namespace OrleansML.Cli;

/// <summary>
/// A local cluster of in-process silos for <c>train</c> and <c>demo</c> when no cluster is configured: real
/// silos talking TCP over loopback, hosting the training grains, with the production failure detection and
/// call limits (not the short test ones). State is in memory and goes with the process.
/// </summary>
internal sealed class EmbeddedCluster : IAsyncDisposable
{
    private readonly TestCluster _cluster;

    private EmbeddedCluster(TestCluster cluster) => _cluster = cluster;

    /// <summary>The grain factory of the cluster's client.</summary>
    public IGrainFactory GrainFactory => _cluster.Client;

    /// <summary>Silos started.</summary>
    public int SiloCount => _cluster.Silos.Count;

    /// <summary>Starts <paramref name="silos"/> silos and waits until they all see each other.</summary>
    public static async Task<EmbeddedCluster> StartAsync(int silos, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(silos, 1);
        var options = new TestClusterOptions
        {
            InitialSiloCount = silos,
            ClusterId = "embedded",
            Membership = new MembershipOptions(),
            ConfigureOptions = ProductionLimits,
        };
        options.GrainAssemblies.Add(TrainingSiloBuilderExtensions.GrainAssembly);
        options.GrainAssemblies.Add(typeof(Jobs.ITrainingJobGrain).Assembly);
        var cluster = new TestCluster(options);
        try
        {
            await cluster.DeployAsync(cancellationToken);
            return new EmbeddedCluster(cluster);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    /// <summary>Undoes the test cluster's short call limits (a training call may legitimately take long); the
    /// test reminder period stays, so a job's durable reminder may tick often.</summary>
    private static void ProductionLimits(Runtime.Hosting.SiloOptions silo)
    {
        var defaults = new Runtime.Hosting.SiloOptions();
        silo.ResponseTimeout = defaults.ResponseTimeout;
        silo.ActivationTimeout = defaults.ActivationTimeout;
        silo.DeactivationTimeout = TimeSpan.FromSeconds(10);
        silo.ShutdownTimeout = TimeSpan.FromSeconds(10);
    }
}
