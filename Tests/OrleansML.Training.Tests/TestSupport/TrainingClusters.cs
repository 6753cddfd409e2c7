using OrleansML.Grains.Hosting;
using OrleansML.Runtime.Testing;

namespace OrleansML.Training.Tests.TestSupport;

/// <summary>Test clusters that host the training grains (real loopback TCP, short failure detection).</summary>
internal static class TrainingClusters
{
    /// <summary>Creates and deploys a cluster of <paramref name="silos"/> silos; disposed if deployment fails.</summary>
    public static async Task<TestCluster> DeployAsync(int silos, Action<TestClusterOptions>? configure = null)
    {
        var options = new TestClusterOptions { InitialSiloCount = silos };
        options.GrainAssemblies.Add(TrainingSiloBuilderExtensions.GrainAssembly);
        options.GrainAssemblies.Add(typeof(GrainInterfaces.ShardLayout).Assembly);
        configure?.Invoke(options);
        var cluster = new TestCluster(options);
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
}
