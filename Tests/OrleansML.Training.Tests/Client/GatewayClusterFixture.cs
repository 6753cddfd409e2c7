using Microsoft.Extensions.DependencyInjection;
using OrleansML.Cli;
using OrleansML.Client;
using OrleansML.Runtime.Testing;
using OrleansML.Runtime.Transport;
using OrleansML.Training.Tests.TestSupport;

namespace OrleansML.Training.Tests.Client;

/// <summary>
/// A two-silo training cluster whose silos open gateways, shared by the CLI end-to-end tests: the embedded
/// cluster of <c>train</c> ends with the command, so commands that act on an existing job or model need a
/// cluster that outlives them. It also holds the secret file, a small dataset and the CLI's connection
/// settings (as the environment or as flags).
/// </summary>
public sealed class GatewayClusterFixture : IAsyncLifetime
{
    private TestCluster? _cluster;

    public TestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not deployed.");

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("orleansml-cli-e2e-").FullName;

    public string Train { get; private set; } = "";

    public string Test { get; private set; } = "";

    /// <summary>ORLEANSML_GATEWAYS, ORLEANSML_CLUSTER_ID and ORLEANSML_SECRET_FILE naming the cluster.</summary>
    public Dictionary<string, string?> Environment { get; } = new(StringComparer.Ordinal) { ["HOME"] = "/tmp" };

    /// <summary>The same settings as flags: one gateway, the cluster id and the secret file.</summary>
    public string[] ConnectionFlags { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var options = new TestClusterOptions();
        _cluster = await TrainingClusters.DeployAsync(2, o =>
        {
            o.ConfigureTransport = transport => transport.GatewayPort = 0;
            options = o;
        });
        string secretFile = Path.Combine(Directory, "secret");
        await File.WriteAllTextAsync(secretFile, options.ClusterSecret + "\n");
        string[] gateways = _cluster.Silos.Select(s => $"{s.Address}@{s.Services.GetRequiredService<ITransport>().GatewayEndPoint!.Port}").ToArray();
        Environment["ORLEANSML_GATEWAYS"] = string.Join(',', gateways);
        Environment["ORLEANSML_CLUSTER_ID"] = options.ClusterId;
        Environment["ORLEANSML_SECRET_FILE"] = secretFile;
        ConnectionFlags = ["--gateway", gateways[0], "--cluster-id", options.ClusterId, "--secret-file", secretFile];
        (Train, Test) = TestDatasets.Write(Directory);
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A silo may still hold a partition file open; the temp directory is cleaned eventually.
        }
    }

    /// <summary>A client on the test cluster's own grain factory (the tests' view, independent of the CLI).</summary>
    public OrleansMLClient Client() => new(Cluster.Client);

    /// <summary>Runs the CLI in process with plain output.</summary>
    public static async Task<(int Code, string Output, string Error)> RunAsync(string[] args, IReadOnlyDictionary<string, string?> environment)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        int code = await CliApplication.RunAsync(args, output, error, environment, interactive: false, timeout.Token);
        return (code, output.ToString(), error.ToString());
    }
}
