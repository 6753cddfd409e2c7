using OrleansML.Cli;
using OrleansML.Client;
using OrleansML.Learning.Models;
using OrleansML.Models;

namespace OrleansML.Training.Tests.Client;

public sealed class EmbeddedClusterTests
{
    [Fact]
    public async Task The_embedded_cluster_hosts_the_training_grains_for_the_client()
    {
        await using EmbeddedCluster cluster = await EmbeddedCluster.StartAsync(2, CancellationToken.None);
        await using var client = new OrleansMLClient(cluster.GrainFactory);
        var spec = new ModelSpec { Kind = ModelKind.LinearRegression, FeatureCount = 2 };

        int version = await cluster.GrainFactory.GetGrain<IModelRegistryGrain>("embedded-model").SaveAsync(spec, [0.5f, -1f, 2f], [], "job-e");
        float[] predictions = await client.PredictAsync("embedded-model", 0, [1f, 1f, 2f, 0f], 2);
        string path = Path.Combine(Path.GetTempPath(), $"embedded-{Guid.NewGuid():N}.omlmodel");
        try
        {
            var exported = await client.ExportModelAsync("embedded-model", 1, path);
            Assert.Equal([0.5f, -1f, 2f], Learning.Models.Files.ModelFile.Read(path).Parameters);
            Assert.Equal(1, exported.Header.Version);
        }
        finally
        {
            File.Delete(path);
        }

        Assert.Equal(2, cluster.SiloCount);
        Assert.Equal(1, version);
        Assert.Equal([1.5f, 3f], predictions);
    }
}
