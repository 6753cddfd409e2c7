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

    [Fact]
    public async Task Large_predictions_are_split_into_chunks_that_agree_with_one_call()
    {
        await using EmbeddedCluster cluster = await EmbeddedCluster.StartAsync(1, CancellationToken.None);
        await using var client = new OrleansMLClient(cluster.GrainFactory);
        const int Width = 1000;
        var spec = new ModelSpec { Kind = ModelKind.LinearRegression, FeatureCount = Width };
        float[] parameters = Enumerable.Range(0, Width + 1).Select(i => (i % 7) * 0.01f).ToArray();
        await cluster.GrainFactory.GetGrain<IModelRegistryGrain>("chunked").SaveAsync(spec, parameters, [], "job-chunk");
        int rows = (OrleansMLClient.PredictChunkValues / Width) + 5;
        float[] features = Enumerable.Range(0, rows * Width).Select(i => (i % 13) * 0.1f).ToArray();

        float[] chunked = await client.PredictAsync("chunked", 0, features, rows);

        float[] lastRow = await client.PredictAsync("chunked", 1, features[^Width..], 1);
        float[] firstRow = await client.PredictAsync("chunked", 1, features[..Width], 1);
        Assert.Equal(rows, chunked.Length);
        Assert.Equal(firstRow[0], chunked[0]);
        Assert.Equal(lastRow[0], chunked[^1]);
    }

    [Fact]
    public void Dependency_injection_validates_the_options_when_configured()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        ArgumentException error = Assert.Throws<ArgumentException>(() => services.AddOrleansMLClient(o => o.ClusterId = "prod"));
        Assert.Equal("Gateways", error.ParamName);
    }
}
