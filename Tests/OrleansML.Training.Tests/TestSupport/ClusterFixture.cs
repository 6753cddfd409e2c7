namespace OrleansML.Training.Tests.TestSupport;

/// <summary>A training cluster (<see cref="TrainingClusters.DeployAsync"/>) shared by a test class as its class
/// fixture; each test uses its own job and model names.</summary>
public class ClusterFixture(int silos, Action<InProcessTestClusterBuilder>? configure = null) : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("the cluster is not deployed.");

    public async Task InitializeAsync() => _cluster = await TrainingClusters.DeployAsync(silos, configure: configure);

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
