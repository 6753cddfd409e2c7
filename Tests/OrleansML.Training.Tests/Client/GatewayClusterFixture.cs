using OrleansML.Cli;

namespace OrleansML.Training.Tests.Client;

/// <summary>
/// A two-silo cluster whose silos open gateways on loopback, shared by the CLI end-to-end tests: the embedded
/// cluster of <c>train</c> ends with the command, so commands that act on an existing job or model need a cluster
/// that outlives them. It is the CLI's own embedded cluster (the silos' shared configuration, TCP between silos and
/// to the gateways), with its state in a temporary directory. It also holds a small dataset and the CLI's
/// connection settings (as the environment or as flags).
/// </summary>
public sealed class GatewayClusterFixture : IAsyncLifetime
{
    private EmbeddedCluster? _cluster;

    internal EmbeddedCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not deployed.");

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("orleansml-cli-e2e-").FullName;

    public string Train { get; private set; } = "";

    public string Test { get; private set; } = "";

    /// <summary>ORLEANSML_GATEWAYS and ORLEANSML_CLUSTER_ID naming the cluster.</summary>
    public Dictionary<string, string?> Environment { get; } = new(StringComparer.Ordinal) { ["HOME"] = "/tmp" };

    /// <summary>The same settings as flags: one gateway and the cluster id.</summary>
    public string[] ConnectionFlags { get; private set; } = [];

    public async Task InitializeAsync()
    {
        _cluster = await EmbeddedCluster.StartAsync(2, Path.Combine(Directory, "state"), CancellationToken.None);
        string[] gateways = [.. _cluster.GatewayPorts.Select(port => $"127.0.0.1:{port}")];
        Environment["ORLEANSML_GATEWAYS"] = string.Join(',', gateways);
        Environment["ORLEANSML_CLUSTER_ID"] = _cluster.ClusterId;
        ConnectionFlags = ["--gateway", gateways[0], "--cluster-id", _cluster.ClusterId];
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

    /// <summary>A client on the cluster's own co-hosted client (the tests' view, independent of the CLI).</summary>
    public OrleansMLClient Client() => new(Cluster.Client);
}
