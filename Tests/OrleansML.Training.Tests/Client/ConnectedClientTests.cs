using OrleansML.Client;
using OrleansML.Learning.Models;
using OrleansML.Models;
using OrleansML.Runtime.Testing;
using OrleansML.Runtime.Transport;
using OrleansML.Training.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansML.Training.Tests.Client;

public sealed class ConnectedClientTests
{
    [Fact]
    public async Task A_client_connects_through_a_gateway_and_reaches_the_registry()
    {
        var options = new TestClusterOptions();
        await using TestCluster cluster = await TrainingClusters.DeployAsync(2, o =>
        {
            o.ConfigureTransport = transport => transport.GatewayPort = 0;
            options = o;
        });
        TestSilo gateway = cluster.Silos[0];
        int port = gateway.Services.GetRequiredService<ITransport>().GatewayEndPoint!.Port;
        string secretFile = Path.Combine(Path.GetTempPath(), $"secret-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(secretFile, options.ClusterSecret + "\n");
        try
        {
            var clientOptions = new OrleansMLClientOptions { ClusterId = options.ClusterId, ClusterSecretFile = secretFile };
            clientOptions.Gateways.Add($"{gateway.Address}@{port}");
            await using OrleansMLClient client = await OrleansMLClient.ConnectAsync(clientOptions);

            var spec = new ModelSpec { Kind = ModelKind.LinearRegression, FeatureCount = 1 };
            await cluster.Client.GetGrain<IModelRegistryGrain>("connected").SaveAsync(spec, [2f, 1f], [], "job-c");
            ModelInfo[] versions = await client.ListModelVersionsAsync("connected");
            float[] predictions = await client.PredictAsync("connected", 1, [3f], 1);

            Assert.Equal("job-c", Assert.Single(versions).JobId);
            Assert.Equal([7f], predictions);
        }
        finally
        {
            File.Delete(secretFile);
        }
    }

    [Fact]
    public async Task A_wrong_secret_file_is_refused_before_connecting()
    {
        var options = new OrleansMLClientOptions { ClusterSecretFile = "/nonexistent/secret" };
        options.Gateways.Add("127.0.0.1:1:1@2");

        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(() => OrleansMLClient.ConnectAsync(options));

        Assert.Equal("ClusterSecretFile", error.ParamName);
    }
}
