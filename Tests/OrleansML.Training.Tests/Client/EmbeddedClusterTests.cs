using OrleansML.Cli;
using OrleansML.Learning.Models.Files;
using OrleansML.Models;
using OrleansML.Grains.Hosting;

namespace OrleansML.Training.Tests.Client;

public sealed class EmbeddedClusterTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task The_embedded_cluster_hosts_the_training_grains_for_the_client_on_two_silos()
    {
        await using EmbeddedCluster cluster = await EmbeddedCluster.StartAsync(2, _directory.Path, CancellationToken.None);
        var client = new OrleansMLClient(cluster.Client);
        var spec = new ModelSpec { Kind = ModelKind.LinearRegression, FeatureCount = 2 };

        int version = await cluster.Client.GetGrain<IModelRegistryGrain>("embedded-model").SaveAsync(spec, new FloatTensor([0.5f, -1f, 2f]), [], "job-e");
        float[] predictions = await client.PredictAsync("embedded-model", 0, [1f, 1f, 2f, 0f], 2);
        string path = Path.Combine(_directory.Path, "exported.omlmodel");
        SavedModel exported = await client.ExportModelAsync("embedded-model", 1, path);
        ClusterOverview overview = await client.GetClusterAsync();

        Assert.Equal(1, version);
        Assert.Equal([1.5f, 3f], predictions);
        Assert.Equal([0.5f, -1f, 2f], ModelFile.Read(path).Parameters);
        Assert.Equal(1, exported.Header.Version);
        Assert.Equal(2, cluster.SiloCount);
        Assert.Equal(["embedded-0", "embedded-1"], overview.Silos.Select(s => s.Name));
        Assert.All(overview.Silos, s => Assert.Equal("Active", s.Status));
        Assert.Equal(cluster.GatewayPorts, overview.Silos.Select(s => s.GatewayPort));
        Assert.All(overview.Silos, s => Assert.StartsWith("127.0.0.1:", s.Address, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Models_saved_by_one_embedded_cluster_are_found_by_the_next_on_the_same_directory_only()
    {
        var spec = new ModelSpec { Kind = ModelKind.LinearRegression, FeatureCount = 1 };
        await using (EmbeddedCluster first = await EmbeddedCluster.StartAsync(2, _directory.Path, CancellationToken.None))
        {
            await first.Client.GetGrain<IModelRegistryGrain>("kept").SaveAsync(spec, new FloatTensor([2f, 1f]), [], "job-1");
            await first.Client.GetGrain<IModelRegistryGrain>("kept").SaveAsync(spec, new FloatTensor([3f, 0f]), [], "job-2");
        }

        await using (EmbeddedCluster second = await EmbeddedCluster.StartAsync(1, _directory.Path, CancellationToken.None))
        {
            var client = new OrleansMLClient(second.Client);
            ModelInfo[] versions = await client.ListModelVersionsAsync("kept");
            Assert.Equal(["job-1", "job-2"], versions.Select(v => v.JobId));
            float[] first = await client.PredictAsync("kept", 1, [3f], 1);
            float[] newest = await client.PredictAsync("kept", 0, [3f], 1);
            Assert.Equal([7f], first);
            Assert.Equal([9f], newest);
        }

        using var elsewhere = new TempDirectory();
        await using EmbeddedCluster other = await EmbeddedCluster.StartAsync(1, elsewhere.Path, CancellationToken.None);
        Assert.Empty(await new OrleansMLClient(other.Client).ListModelVersionsAsync("kept"));
    }

    [Fact]
    public async Task Large_predictions_are_split_into_chunks_that_agree_with_one_call()
    {
        await using EmbeddedCluster cluster = await EmbeddedCluster.StartAsync(1, _directory.Path, CancellationToken.None);
        var client = new OrleansMLClient(cluster.Client);
        const int Width = 1000;
        var spec = new ModelSpec { Kind = ModelKind.LinearRegression, FeatureCount = Width };
        float[] parameters = [.. Enumerable.Range(0, Width + 1).Select(i => (i % 7) * 0.01f)];
        await cluster.Client.GetGrain<IModelRegistryGrain>("chunked").SaveAsync(spec, new FloatTensor(parameters), [], "job-chunk");
        int rows = (OrleansMLClient.PredictChunkValues / Width) + 5;
        float[] features = [.. Enumerable.Range(0, rows * Width).Select(i => (i % 13) * 0.1f)];

        float[] chunked = await client.PredictAsync("chunked", 0, features, rows);

        float[] lastRow = await client.PredictAsync("chunked", 1, features[^Width..], 1);
        float[] firstRow = await client.PredictAsync("chunked", 1, features[..Width], 1);
        Assert.Equal(rows, chunked.Length);
        Assert.Equal(firstRow[0], chunked[0]);
        Assert.Equal(lastRow[0], chunked[^1]);
    }

    [Fact]
    public async Task Predictions_wider_than_their_inputs_are_split_by_their_outputs_and_one_oversized_call_is_refused()
    {
        await using EmbeddedCluster cluster = await EmbeddedCluster.StartAsync(1, _directory.Path, CancellationToken.None);
        var client = new OrleansMLClient(cluster.Client);
        const int Classes = 1000;
        var spec = new ModelSpec { Kind = ModelKind.SoftmaxRegression, FeatureCount = 1, ClassCount = Classes };
        float[] parameters = [.. Enumerable.Range(0, 2 * Classes).Select(i => (i % 11) * 0.1f)];
        IModelRegistryGrain registry = cluster.Client.GetGrain<IModelRegistryGrain>("wide");
        await registry.SaveAsync(spec, new FloatTensor(parameters), [], "job-wide");
        const int Rows = 5000; // 5M outputs, 20 MB: more than the default 16 MiB message
        float[] features = [.. Enumerable.Range(0, Rows).Select(i => (i % 17) * 0.25f)];

        float[] chunked = await client.PredictAsync("wide", 0, features, Rows);
        ArgumentException refused = await Assert.ThrowsAsync<ArgumentException>(() => registry.PredictAsync(1, new FloatTensor(features), Rows));

        Assert.Equal(Rows * Classes, chunked.Length);
        Assert.Equal(await client.PredictAsync("wide", 1, features[^1..], 1), chunked[^Classes..]);
        Assert.Contains("predict at most 4194 rows per call", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_data_directory_that_cannot_be_written_fails_the_start_naming_it()
    {
        string file = Path.Combine(_directory.Path, "not-a-directory");
        await File.WriteAllTextAsync(file, "x");

        SiloStartupException error = await Assert.ThrowsAsync<SiloStartupException>(() => EmbeddedCluster.StartAsync(1, file, CancellationToken.None));

        Assert.True(error.IsConfigurationError);
        Assert.Contains($"Cannot write grain state to '{Path.Combine(file, "grain-state")}' (OrleansML:DataDirectory)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dependency_injection_validates_the_options_when_resolved()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IGrainFactory>(new RecordingGrainFactory());
        services.AddOrleansMLClient(o => o.WatchMaximumRetries = -1);
        using ServiceProvider provider = services.BuildServiceProvider();

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => provider.GetRequiredService<OrleansMLClient>());

        Assert.Contains("OrleansMLClientOptions.WatchMaximumRetries must be in 0..10000", error.Message, StringComparison.Ordinal);
    }
}
