namespace OrleansML.Training.Tests.TestSupport;

/// <summary>A training cluster shared by a test class as its class fixture; each test uses its own job and model
/// names.</summary>
public class ClusterFixture(Func<Task<InProcessTestCluster>> deploy) : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    /// <summary>A cluster of <paramref name="silos"/> silos from <see cref="TrainingClusters.DeployAsync"/>.</summary>
    public ClusterFixture(int silos, Action<InProcessTestClusterBuilder>? configure = null)
        : this(() => TrainingClusters.DeployAsync(silos, configure: configure))
    {
    }

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("the cluster is not deployed.");

    public async Task InitializeAsync() => _cluster = await deploy();

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
