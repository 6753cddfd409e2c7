using System.Globalization;
using System.Xml.Linq;

namespace OrleansML.Deploy.Tests.Container;

/// <summary>
/// deploy/container, checked statically (containers cannot run on the build machines, and base images cannot be
/// pulled): the Dockerfiles are multi-stage, publish the right projects, run as non-root, expose the ports the silo
/// is configured with and probe its health endpoint; the compose file's environment names settings the silo reads,
/// each silo advertises its own network address, and the connection strings name the compose services.
/// </summary>
public sealed class ContainerFilesTests
{
    [Fact]
    public void The_silo_image_builds_the_host_runs_as_non_root_and_probes_healthz_on_its_port()
    {
        var file = Dockerfile.Load(Repository.Deploy("container", "Dockerfile.silo"));
        var runtime = AssertMultiStage(file, "Silo/OrleansML.Silo.csproj", "OrleansML.Silo.dll");
        Dictionary<string, string> environment = Dockerfile.Environment(runtime);
        Assert.Empty(SiloSettingKeys.Problems(environment, file.Path));

        int siloPort = Port(environment, "Orleans__Endpoints__SiloPort");
        int gatewayPort = Port(environment, "Orleans__Endpoints__GatewayPort");
        int healthPort = Port(environment, "OrleansML__Health__Port");
        int metricsPort = Port(environment, "OrleansML__Telemetry__PrometheusPort");
        Assert.Equal("0.0.0.0", environment["OrleansML__Telemetry__PrometheusAddress"]);
        Assert.Equal($"0.0.0.0:{siloPort}", environment["Orleans__Endpoints__SiloListeningEndpoint"]);
        Assert.Equal($"0.0.0.0:{gatewayPort}", environment["Orleans__Endpoints__GatewayListeningEndpoint"]);
        Assert.Equal("0.0.0.0", environment["OrleansML__Health__Address"]);
        int[] exposed = [.. runtime.Where(i => i.Instruction == "EXPOSE").SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(p => int.Parse(p, CultureInfo.InvariantCulture)).Order()];
        Assert.Equal(new[] { siloPort, gatewayPort, healthPort, metricsPort }.Order(), exposed);

        string healthcheck = Assert.Single(runtime, i => i.Instruction == "HEALTHCHECK").Arguments;
        string[] command = Dockerfile.ExecForm(healthcheck[(healthcheck.IndexOf("CMD ", StringComparison.Ordinal) + 4)..]);
        Assert.Contains($"/dev/tcp/127.0.0.1/{healthPort}", command[^1], StringComparison.Ordinal);
        Assert.Contains("GET /healthz ", command[^1], StringComparison.Ordinal);
        Assert.Equal("SIGTERM", Assert.Single(runtime, i => i.Instruction == "STOPSIGNAL").Arguments);
    }

    [Fact]
    public void The_cli_image_builds_the_orleansml_tool_and_runs_as_non_root()
    {
        var file = Dockerfile.Load(Repository.Deploy("container", "Dockerfile.cli"));
        var runtime = AssertMultiStage(file, "Client/Cli/OrleansML.Cli.csproj", AssemblyName("Client/Cli/OrleansML.Cli.csproj") + ".dll");
        Assert.Equal("NONE", Assert.Single(runtime, i => i.Instruction == "HEALTHCHECK").Arguments);
    }

    [Fact]
    public void The_compose_file_runs_postgres_azurite_and_three_silos_that_agree_with_the_silo_settings()
    {
        string folder = Repository.Deploy("container");
        var compose = Yaml.LoadAll(Path.Combine(folder, "compose.yaml")).Single();
        var services = compose.Entries("services").ToDictionary(e => e.Key, e => e.Value);
        Assert.Equal(["azurite", "postgres", "silo-1", "silo-2", "silo-3"], services.Keys.Order(StringComparer.Ordinal));

        // PostgreSQL creates the schema at first start from the script the silo embeds.
        string schema = services["postgres"].Items("volumes").Select(v => v.ToString()).Single(v => v.Contains("docker-entrypoint-initdb.d", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.GetFullPath(Path.Combine(folder, schema.Split(':')[0]))), $"{schema} names no file");
        Assert.EndsWith("Grains/Hosting/Database/orleansml-postgresql.sql", schema.Split(':')[0], StringComparison.Ordinal);
        string[] azurite = [.. services["azurite"].Items("command").Select(n => n.ToString())];
        Assert.Contains("--skipApiVersionCheck", azurite);
        string azuritePort = azurite[Array.IndexOf(azurite, "--blobPort") + 1];

        var shared = EnvironmentFile.Load(Path.Combine(folder, services["silo-1"].Text("env_file")!));
        var addresses = new HashSet<string>();
        foreach (string silo in new[] { "silo-1", "silo-2", "silo-3" })
        {
            var node = services[silo];
            Assert.True(File.Exists(Path.GetFullPath(Path.Combine(folder, node.Text("build", "context")!, node.Text("build", "dockerfile")!))));
            Assert.Equal("deploy/container/Dockerfile.silo", node.Text("build", "dockerfile"));
            Assert.Equal(shared.Path, Path.Combine(folder, node.Text("env_file")!));
            var environment = shared.Entries.ToDictionary(e => e.Key, e => e.Value);
            foreach ((string key, var value) in node.Entries("environment"))
            {
                environment[key] = value.ToString();
            }

            Assert.Empty(SiloSettingKeys.Problems(environment, $"compose.yaml {silo}"));
            Assert.Equal(silo, environment["Orleans__Name"]);
            string advertised = environment["Orleans__Endpoints__AdvertisedIPAddress"];
            Assert.Equal(node.Text("networks", "cluster", "ipv4_address"), advertised);
            Assert.True(addresses.Add(advertised), $"{silo} advertises {advertised} like another silo");
            Assert.Equal("service_healthy", node.Text("depends_on", "postgres", "condition"));
            Assert.True(TimeSpan.FromSeconds(int.Parse(node.Text("stop_grace_period")!.TrimEnd('s'), CultureInfo.InvariantCulture)) > TimeSpan.FromSeconds(30));
            foreach (YamlDotNet.RepresentationModel.YamlNode published in node.Items("ports"))
            {
                Assert.StartsWith("127.0.0.1:", published.ToString(), StringComparison.Ordinal); // nothing beyond loopback unless configured
            }

            Assert.Equal("true", environment["OrleansML__Tls__Enabled"]);
            Assert.Equal("", environment["OrleansML__Telemetry__OtlpEndpoint"]); // OTLP: a placeholder, off until set
            string[] mounts = [.. node.Items("volumes").Select(v => v.ToString())];
            Assert.Contains($"./tls:{Path.GetDirectoryName(environment["OrleansML__Tls__CertificatePath"])}:ro", mounts);
            Assert.Equal(Path.GetDirectoryName(environment["OrleansML__Tls__CertificatePath"]), Path.GetDirectoryName(environment["OrleansML__Tls__TrustedCertificatePath"]));
            Assert.Contains("Host=postgres;", environment["ConnectionStrings__cluster"], StringComparison.Ordinal);
            Assert.Contains($"BlobEndpoint=http://azurite:{azuritePort}/", environment["ConnectionStrings__blobs"], StringComparison.Ordinal);
            Assert.Equal(environment["ConnectionStrings__blobs"], environment["OrleansML__BlobStore__ConnectionString"]);
            string password = environment["ConnectionStrings__cluster"].Split(';').Single(p => p.StartsWith("Password=", StringComparison.Ordinal))["Password=".Length..];
            Assert.Equal(services["postgres"].Text("environment", "POSTGRES_PASSWORD"), password);
        }
    }

    /// <summary>Checks the build and runtime stages; returns the runtime stage.</summary>
    private static IReadOnlyList<(string Instruction, string Arguments)> AssertMultiStage(Dockerfile file, string project, string assembly)
    {
        Assert.True(file.Stages.Count >= 2, $"{file.Path} is not multi-stage");
        Assert.True(File.Exists(Path.Combine(Repository.Root, project)), $"{project} does not exist");
        var build = file.Stages[0];
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0", build[0].Arguments, StringComparison.Ordinal);
        Assert.Contains(build, i => i.Instruction == "RUN" && i.Arguments == $"dotnet publish {project} -c Release -o /app");

        var runtime = file.Stages[^1];
        // The grains reference the ASP.NET Core shared framework, so every image that runs them needs the aspnet runtime.
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", runtime[0].Arguments, StringComparison.Ordinal);
        Assert.Contains(XDocument.Load(Path.Combine(Repository.Root, "Grains", "OrleansML.Grains.csproj")).Descendants("FrameworkReference"), f => (string?)f.Attribute("Include") == "Microsoft.AspNetCore.App");
        Assert.Contains(runtime, i => i.Instruction == "COPY" && i.Arguments == "--from=build /app .");
        string user = Assert.Single(runtime, i => i.Instruction == "USER").Arguments;
        Assert.NotEqual("root", user);
        Assert.NotEqual("0", user);
        Assert.Equal(["dotnet", "/app/" + assembly], Dockerfile.ExecForm(Assert.Single(runtime, i => i.Instruction == "ENTRYPOINT").Arguments));
        Assert.Equal(AssemblyName(project) + ".dll", assembly);
        return runtime;
    }

    private static string AssemblyName(string project) =>
        XDocument.Load(Path.Combine(Repository.Root, project)).Descendants("AssemblyName").Single().Value;

    private static int Port(Dictionary<string, string> environment, string key) =>
        int.Parse(environment[key], CultureInfo.InvariantCulture);
}
