namespace OrleansML.Training.Tests.TestSupport;

/// <summary>A 2-silo training cluster (<see cref="TrainingClusters.DeployAsync"/>, default settings) shared by a test
/// class as its class fixture; each test uses its own job and model names.</summary>
public sealed class TwoSiloCluster : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("the cluster is not deployed.");

    public async Task InitializeAsync() => _cluster = await TrainingClusters.DeployAsync(2);

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
