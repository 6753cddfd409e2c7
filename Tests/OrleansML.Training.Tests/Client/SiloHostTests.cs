using OrleansML.Tests.Shared;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using OrleansML.Grains.Hosting.Database;
using OrleansML.Training.Tests.Client.Support;

namespace OrleansML.Training.Tests.Client;

/// <summary>
/// The OrleansML.Silo executable as operators run it: its exit codes and one-line errors for bad settings and
/// unreachable services, and a two-process cluster on PostgreSQL (clustering, reminders) and Azurite (grain state)
/// driven by the CLI, stopped with SIGTERM.
/// </summary>
public sealed class SiloHostTests(ITestOutputHelper log) : IDisposable
{
    private static readonly TimeSpan s_start = TimeSpan.FromSeconds(90);
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_port_in_use_exits_1_naming_the_port_and_its_key()
    {
        using System.Net.Sockets.TcpListener held = ClosedPort.Occupy();
        int port = ((System.Net.IPEndPoint)held.LocalEndpoint).Port;

        (int code, string output, string error) = await RunSiloAsync(["--Orleans:Endpoints:SiloPort", Port(port), "--Orleans:Endpoints:GatewayPort", Port(ClosedPort.Find())]);

        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Equal($"orleansml-silo: the silo could not start: Port {port} on 127.0.0.1 (Orleans:Endpoints:SiloPort) is already in use: another silo or program listens there. Stop it or choose another port.", error.Trim());
    }

    [Theory]
    [InlineData(new[] { "--Orleans:Endpoints:GatewayPort", "abc" }, "Orleans:Endpoints:GatewayPort must be a port")]
    [InlineData(new[] { "--bogus", "1" }, "Unknown argument '--bogus'")]
    [InlineData(new[] { "--config", "/nonexistent/appsettings.json" }, "the settings file '/nonexistent/appsettings.json' does not exist")]
    [InlineData(new[] { "--OrleansML:Membership:ProbeTimeout", "00:00:09", "--OrleansML:Membership:MaxProbeTimeout", "00:00:02" }, "OrleansML:Membership:ProbeTimeout (00:00:09) must lie between")]
    [InlineData(new[] { "--Orleans:Clustering:ProviderType", "AdoNet", "--Orleans:Clustering:ConnectionString", "Hots=db;Password=hunter2" }, "keyword 'Hots', which Npgsql does not know")]
    [InlineData(new[] { "--Orleans:GrainStorage:Default:ProviderType", "AzureBlobStorage", "--Orleans:GrainStorage:Default:ConnectionString", "AccountKey=hunter2" }, "is not a valid Azure Storage connection string")]
    [InlineData(new[] { "--Orleans:Clustering:ProviderType", "Zookeeper" }, "Could not find Clustering provider named 'Zookeeper'")]
    public async Task Invalid_configuration_exits_2_with_one_line_naming_it(string[] args, string expected)
    {
        (int code, string output, string error) = await RunSiloAsync(args);

        Assert.True(code == 2, $"exit {code}: {error}");
        Assert.Equal("", output);
        string line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("orleansml-silo: configuration error: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_postgresql_and_azure_storage_exit_1()
    {
        int port = ClosedPort.Find();
        (int pgCode, _, string pgError) = await RunSiloAsync(
            ["--Orleans:Clustering:ProviderType", "AdoNet", "--Orleans:Clustering:ConnectionString", $"Host=127.0.0.1;Port={port};Database=x;Username=u;Password=hunter2"]);
        (int azureCode, _, string azureError) = await RunSiloAsync(
            ["--Orleans:GrainStorage:Default:ProviderType", "AzureBlobStorage", "--Orleans:GrainStorage:Default:ConnectionString",
             $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;"]);

        Assert.True(pgCode == 1, pgError);
        Assert.Contains($"Cannot reach PostgreSQL (host 127.0.0.1, port {port}, database x, user u): connection refused", pgError, StringComparison.Ordinal);
        Assert.True(azureCode == 1, azureError);
        Assert.Contains($"Cannot reach Azure Blob storage at http://127.0.0.1:{port}/devstoreaccount1", azureError, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", pgError + azureError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", pgError + azureError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_without_the_schema_exits_2_saying_how_to_create_it()
    {
        string database = await TestServices.CreateDatabaseAsync();

        (int code, _, string error) = await RunSiloAsync(["--Orleans:Clustering:ProviderType", "AdoNet"], new() { ["Orleans__Clustering__ConnectionString"] = database });

        Assert.True(code == 2, error);
        Assert.Contains("Orleans:Clustering:ConnectionString: PostgreSQL (host 127.0.0.1", error, StringComparison.Ordinal);
        Assert.Contains("has no OrleansML schema. Create or update it with: orleansml db init --connection \"", error, StringComparison.Ordinal);
        Assert.DoesNotContain(new Npgsql.NpgsqlConnectionStringBuilder(database).Password!, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Azurite_refusing_the_account_key_exits_2()
    {
        string wrongKey = System.Text.RegularExpressions.Regex.Replace(TestServices.Azurite, "AccountKey=[^;]*", "AccountKey=" + Convert.ToBase64String("not the key!"u8.ToArray()));

        (int code, _, string error) = await RunSiloAsync(["--Orleans:GrainStorage:Default:ProviderType", "AzureBlobStorage"],
            new() { ["Orleans__GrainStorage__Default__ConnectionString"] = wrongKey });

        Assert.True(code == 2, error);
        Assert.Contains("refused the credentials", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_silo_processes_on_postgresql_and_azurite_train_a_job_keep_binary_state_and_stop_on_sigterm()
    {
        string database = await TestServices.CreateDatabaseAsync();
        await PostgreSqlSchema.ApplyAsync(database, CancellationToken.None);
        string cluster = $"silo-host-{Guid.NewGuid():N}"[..24];
        string container = $"grains-{Guid.NewGuid():N}";
        string settings = Path.Combine(_directory.Path, "appsettings.json");
        await File.WriteAllTextAsync(settings, $$"""
            {
              "Orleans": {
                "ClusterId": "{{cluster}}",
                "ServiceId": "{{cluster}}",
                "Clustering": { "ProviderType": "AdoNet", "ConnectionName": "cluster" },
                "Reminders": { "ProviderType": "AdoNet", "ConnectionName": "cluster" },
                "GrainStorage": { "Default": { "ProviderType": "AzureBlobStorage", "ContainerName": "{{container}}" } }
              },
              "OrleansML": { "BlobStore": { "Kind": "Azure", "Container": "{{container}}" } }
            }
            """);
        var secrets = new Dictionary<string, string?>
        {
            ["ConnectionStrings__cluster"] = database,
            ["Orleans__GrainStorage__Default__ConnectionString"] = TestServices.Azurite,
            ["OrleansML__BlobStore__ConnectionString"] = TestServices.Azurite,
        };
        int[] ports = OrleansML.Cli.EmbeddedCluster.FreePorts(4);
        await using ChildProcess first = await ChildProcess.StartSiloAsync(["--config", settings, "--Orleans:Name", "first", .. Ports(ports[0], ports[1])], secrets);
        await using ChildProcess second = await ChildProcess.StartSiloAsync(["--config", settings, "--Orleans:Name", "second", .. Ports(ports[2], ports[3])], secrets);
        string ready = await first.WaitForLineAsync("silo ready", s_start);
        await second.WaitForLineAsync("silo ready", s_start);
        Assert.Equal($"silo ready name=first silo=127.0.0.1:{ports[0]} gateway=127.0.0.1:{ports[1]} cluster={cluster} service={cluster}", ready);

        // The CLI finds the gateways through the same settings file and PostgreSQL, as the silos do.
        (string train, string test) = TestDatasets.Write(_directory.Path);
        var cli = new Dictionary<string, string?>(secrets) { ["ORLEANSML_CONFIG"] = settings, ["HOME"] = _directory.Path };
        (int trainCode, string trained, string trainError) = await ChildProcess.RunCliAsync(
            ["train", "--model", "logistic", "--features", "4", "--train", train, "--test", test, "--workers", "2", "--shards", "2",
             "--epochs", "2", "--batch-size", "32", "--job-id", "host-job", "--model-name", "host-model"], cli);
        (int clusterCode, string view, _) = await ChildProcess.RunCliAsync(["cluster"], cli);
        log.WriteLine($"{trained}{trainError}\n{view}");

        Assert.True(trainCode == 0, $"{trained}{trainError}");
        Assert.Contains("job host-job completed epochs=2/2 workers=2 shards=2 retries=0 model=host-model:1", trained, StringComparison.Ordinal);
        Assert.Equal(0, clusterCode);
        Assert.Matches($@"\| 127\.0\.0\.1:{ports[0]} +\| first +\| Active +\| {ports[1]} +\|", view);
        Assert.Matches($@"\| 127\.0\.0\.1:{ports[2]} +\| second +\| Active +\| {ports[3]} +\|", view);

        // Grain state is in the container, in Orleans' binary format rather than JSON.
        BlobContainerClient blobs = new BlobServiceClient(TestServices.Azurite).GetBlobContainerClient(container);
        List<BlobItem> items = [];
        await foreach (BlobItem item in blobs.GetBlobsAsync())
        {
            items.Add(item);
        }

        BlobItem registry = Assert.Single(items, i => i.Name.Contains("modelregistry/host-model", StringComparison.Ordinal));
        byte[] content = (await blobs.GetBlobClient(registry.Name).DownloadContentAsync()).Value.Content.ToArray();
        Assert.NotEqual((byte)'{', content[0]);
        Assert.Contains(items, i => i.Name.Contains("parametershard/", StringComparison.Ordinal));

        // The model file is a blob of the model store, beside its checksummed entry; the registry's state only names it.
        Assert.Contains(items, i => i.Name == "models/host-model/1.omlm");
        Assert.Contains(items, i => i.Name == "models/host-model/1.json");

        second.Terminate();
        first.Terminate();
        Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.EndsWith("silo stopped", first.Output.Trim(), StringComparison.Ordinal);
        await blobs.DeleteIfExistsAsync();
    }

    private async Task<(int Code, string Output, string Error)> RunSiloAsync(string[] args, Dictionary<string, string?>? environment = null)
    {
        environment ??= [];
        environment.TryAdd("HOME", _directory.Path);
        string[] all = [.. args,
            .. args.Contains("--Orleans:Endpoints:SiloPort") ? [] : new[] { "--Orleans:Endpoints:SiloPort", Port(ClosedPort.Find()) },
            .. args.Contains("--Orleans:Endpoints:GatewayPort") ? [] : new[] { "--Orleans:Endpoints:GatewayPort", Port(ClosedPort.Find()) }];
        await using ChildProcess silo = await ChildProcess.StartSiloAsync(all, environment);
        int code = await silo.WaitForExitAsync(s_start);
        log.WriteLine($"exit {code}\n{silo.Output}{silo.Error}");
        return (code, silo.Output, silo.Error);
    }

    private static string[] Ports(int silo, int gateway) => ["--Orleans:Endpoints:SiloPort", Port(silo), "--Orleans:Endpoints:GatewayPort", Port(gateway)];

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
