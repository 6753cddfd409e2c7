using System.Text.RegularExpressions;
using OrleansML.Deploy.Tests.TestSupport;

namespace OrleansML.Deploy.Tests.Azure;

/// <summary>
/// deploy/azure/main.bicep read as text (no Bicep compiler here) and checked against the silo's options and the
/// Orleans guidance for Container Apps: one silo per app with exactly one replica, each advertising the internal
/// environment's static IP with its own ingress ports; every environment variable a silo setting; secrets only
/// through secretRef and @secure parameters; probes on the health port.
/// </summary>
public sealed partial class AzureTemplateTests
{
    private static readonly string s_template = File.ReadAllText(Repository.Deploy("azure", "main.bicep"));

    [Fact]
    public void The_template_declares_storage_postgresql_and_an_internal_container_apps_environment()
    {
        foreach (string type in new[] { "Microsoft.Storage/storageAccounts@", "Microsoft.DBforPostgreSQL/flexibleServers@", "Microsoft.DBforPostgreSQL/flexibleServers/databases@", "Microsoft.App/managedEnvironments@", "Microsoft.App/containerApps@" })
        {
            Assert.Contains($"'{type}", s_template, StringComparison.Ordinal);
        }

        Assert.Matches(@"vnetConfiguration: \{\s*internal: true", s_template);
        Assert.Contains("publicNetworkAccess: 'Disabled'", s_template, StringComparison.Ordinal);
        Assert.Contains("allowBlobPublicAccess: false", s_template, StringComparison.Ordinal);
        Assert.Matches(@"@secure\(\)\s*param postgresAdminPassword string", s_template);

        // Every parameter is used beyond its declaration.
        foreach (Match parameter in Parameter().Matches(s_template))
        {
            string name = parameter.Groups[1].Value;
            Assert.True(Regex.Count(s_template, $@"\b{name}\b") >= 2, $"parameter {name} is never used");
        }
    }

    [Fact]
    public void Each_silo_is_one_single_replica_app_with_its_own_ports_and_settings_the_silo_reads()
    {
        Assert.Contains("[for i in range(1, siloCount):", s_template, StringComparison.Ordinal);
        Assert.Contains("scale: { minReplicas: 1, maxReplicas: 1 }", s_template, StringComparison.Ordinal);

        var environment = EnvEntry().Matches(s_template).ToDictionary(m => m.Groups["name"].Value, m => (Kind: m.Groups["kind"].Value, Value: m.Groups["value"].Value.Trim()));
        Assert.Empty(SiloSettingKeys.Problems(environment.ToDictionary(e => e.Key, e => e.Value.Value.Trim('\'')), "main.bicep"));
        Assert.Equal("environment.properties.staticIp", environment["Orleans__Endpoints__AdvertisedIPAddress"].Value);
        Assert.Equal("'silo-${i}'", environment["Orleans__Name"].Value);

        // The ingress ports are the ports the silo listens on, per silo.
        Assert.Equal("string(siloPortBase + i)", environment["Orleans__Endpoints__SiloPort"].Value);
        Assert.Equal("string(gatewayPortBase + i)", environment["Orleans__Endpoints__GatewayPort"].Value);
        Assert.Contains("targetPort: siloPortBase + i\n        exposedPort: siloPortBase + i", s_template, StringComparison.Ordinal);
        Assert.Contains("{ external: false, targetPort: gatewayPortBase + i, exposedPort: gatewayPortBase + i }", s_template, StringComparison.Ordinal);
        Assert.Equal("'0.0.0.0:${siloPortBase + i}'", environment["Orleans__Endpoints__SiloListeningEndpoint"].Value);
        Assert.Equal("'0.0.0.0:${gatewayPortBase + i}'", environment["Orleans__Endpoints__GatewayListeningEndpoint"].Value);
        Assert.Equal("string(healthPort)", environment["OrleansML__Health__Port"].Value);
        Assert.Contains("{ type: 'Liveness', httpGet: { path: '/healthz', port: healthPort }", s_template, StringComparison.Ordinal);
        Assert.Contains("{ type: 'Readiness', httpGet: { path: '/readyz', port: healthPort }", s_template, StringComparison.Ordinal);

        // Connection strings only through the apps' secrets, each declared.
        string[] secrets = [.. SecretDeclaration().Matches(s_template).Select(m => m.Groups[1].Value)];
        foreach (string key in new[] { "ConnectionStrings__cluster", "ConnectionStrings__blobs", "OrleansML__BlobStore__ConnectionString" })
        {
            Assert.Equal("secretRef", environment[key].Kind);
            Assert.Contains(environment[key].Value.Trim('\''), secrets);
        }
    }

    [GeneratedRegex(@"^param (\w+) ", RegexOptions.Multiline)]
    private static partial Regex Parameter();

    [GeneratedRegex(@"^\s*\{ name: '(?<name>[A-Za-z_]+)', (?<kind>value|secretRef): (?<value>.+) \}$", RegexOptions.Multiline)]
    private static partial Regex EnvEntry();

    [GeneratedRegex(@"\{ name: '([a-z-]+)', value: (clusterConnection|blobConnection) \}")]
    private static partial Regex SecretDeclaration();
}
