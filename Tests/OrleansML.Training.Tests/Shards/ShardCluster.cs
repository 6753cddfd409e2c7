namespace OrleansML.Training.Tests.Shards;

/// <summary>One single-silo cluster shared by a test class (each test uses its own job id).</summary>
public sealed class ShardCluster : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not deployed.");

    public async Task InitializeAsync() => _cluster = await TrainingClusters.DeployAsync(1);

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
