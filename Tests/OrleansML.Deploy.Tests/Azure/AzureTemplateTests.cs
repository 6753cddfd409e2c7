using System.Text.RegularExpressions;

namespace OrleansML.Deploy.Tests.Azure;

/// <summary>
/// deploy/azure/main.bicep read as text (no Bicep compiler here) and checked against the silo's options and the
/// Orleans guidance for Container Apps: one silo per app with exactly one replica, each advertising the internal
/// environment's static IP with its own ingress ports; every environment variable a silo setting; secrets only
/// through secretRef and @secure parameters; probes on the health port; TLS on, its PFX sent base64 through a secret
/// volume and decoded by the container's command (which the test runs); telemetry's scrape port set, OTLP a parameter.
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
        foreach (string key in new[] { "ConnectionStrings__cluster", "ConnectionStrings__blobs", "OrleansML__BlobStore__ConnectionString", "OrleansML__Tls__CertificatePassword" })
        {
            Assert.Equal("secretRef", environment[key].Kind);
            Assert.Contains(environment[key].Value.Trim('\''), secrets);
        }
    }

    [Fact]
    public void Tls_is_on_with_the_certificate_from_a_secret_volume_that_the_command_decodes_to_a_pfx()
    {
        var environment = EnvEntry().Matches(s_template).ToDictionary(m => m.Groups["name"].Value, m => (Kind: m.Groups["kind"].Value, Value: m.Groups["value"].Value.Trim()));
        Dictionary<string, string> variables = Variables();
        Assert.Equal("'true'", environment["OrleansML__Tls__Enabled"].Value);
        Assert.Equal(("secretRef", "'tls-certificate-password'"), environment["OrleansML__Tls__CertificatePassword"]);
        Assert.Matches(@"@secure\(\)\s*param tlsCertificate string", s_template);
        Assert.Matches(@"@secure\(\)\s*param tlsCertificatePassword string", s_template);
        string[] secrets = [.. SecretDeclaration().Matches(s_template).Select(m => m.Groups[1].Value)];
        Assert.Contains("tls-certificate-password", secrets);

        // The secret volume puts the base64 PFX and the PEM trust file where the command and the settings read them.
        string mount = variables["tlsMount"];
        Assert.Contains("volumeMounts: [\n            { volumeName: 'tls', mountPath: tlsMount }", s_template, StringComparison.Ordinal);
        Assert.Matches(@"name: 'tls'\s*storageType: 'Secret'\s*secrets: \[\s*\{ secretRef: 'tls-certificate', path: tlsEncodedFile \}\s*\{ secretRef: 'tls-trusted-certificate', path: tlsTrustedFile \}", s_template);
        Assert.Contains("tls-certificate", secrets);
        Assert.Contains("tls-trusted-certificate", secrets);
        Assert.Equal($"{mount}/{variables["tlsTrustedFile"]}", Resolve(environment["OrleansML__Tls__TrustedCertificatePath"].Value.Trim('\''), variables));
        string pfx = Resolve(environment["OrleansML__Tls__CertificatePath"].Value, variables);
        Assert.Equal(variables["tlsCertificatePath"], pfx);
        Assert.Contains("command: [ 'bash', '-c', siloCommand ]", s_template, StringComparison.Ordinal);

        // Run the command as the container would, in temporary directories, with a real certificate sent as the
        // secret's text: the silo's settings then load the PFX it wrote, with its private key, and trust its peer.
        string root = Directory.CreateTempSubdirectory("orleansml-azure-tls-").FullName;
        try
        {
            var certificate = TestCertificates.Create(root, "orleansml-azure");
            string mounted = Directory.CreateDirectory(Path.Combine(root, "mount")).FullName;
            File.WriteAllText(Path.Combine(mounted, variables["tlsEncodedFile"]), Convert.ToBase64String(File.ReadAllBytes(certificate.PfxPath)));
            File.Copy(certificate.PemPath, Path.Combine(mounted, variables["tlsTrustedFile"]));
            string decodedDirectory = Path.GetDirectoryName(pfx)!;
            string local = Path.Combine(root, "decoded");
            string command = variables["siloCommand"].Replace(mount, mounted, StringComparison.Ordinal).Replace(decodedDirectory, local, StringComparison.Ordinal);
            Assert.EndsWith("&& exec dotnet /app/OrleansML.Silo.dll", command, StringComparison.Ordinal);
            command = command[..^"exec dotnet /app/OrleansML.Silo.dll".Length] + "true";
            using (var bash = System.Diagnostics.Process.Start("bash", ["-c", command]))
            {
                bash.WaitForExit();
                Assert.Equal(0, bash.ExitCode);
            }

            string written = pfx.Replace(decodedDirectory, local, StringComparison.Ordinal);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(written)); // umask 077
            }
            var settings = new OrleansML.Security.TlsSettings
            {
                Enabled = true,
                CertificatePath = written,
                CertificatePassword = certificate.Password,
                TrustedCertificatePath = Path.Combine(mounted, variables["tlsTrustedFile"]),
            };
            Assert.Empty(settings.Validate());
            using var loaded = settings.LoadCertificate();
            Assert.True(loaded.HasPrivateKey);
            Assert.True(settings.IsTrusted(loaded, System.Net.Security.SslPolicyErrors.None, settings.LoadTrustedCertificates()));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Telemetry_is_on_with_a_scrape_port_and_otlp_off_until_its_parameter_is_set()
    {
        var environment = EnvEntry().Matches(s_template).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value.Trim());
        Assert.Equal("string(prometheusPort)", environment["OrleansML__Telemetry__PrometheusPort"]);
        Assert.Matches(@"^var prometheusPort = \d+$", s_template.Split('\n').Single(l => l.StartsWith("var prometheusPort ", StringComparison.Ordinal)));
        Assert.Equal("'0.0.0.0'", environment["OrleansML__Telemetry__PrometheusAddress"]);
        Assert.Equal("otlpEndpoint", environment["OrleansML__Telemetry__OtlpEndpoint"]);
        Assert.Contains("param otlpEndpoint string = ''", s_template, StringComparison.Ordinal);
    }

    /// <summary>The template's string variables, each with the variables it interpolates resolved.</summary>
    private static Dictionary<string, string> Variables()
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match match in StringVariable().Matches(s_template))
        {
            variables[match.Groups[1].Value] = Resolve(match.Groups[2].Value, variables);
        }

        return variables;
    }

    private static string Resolve(string text, Dictionary<string, string> variables) =>
        variables.TryGetValue(text, out string? whole) ? whole : Regex.Replace(text, @"\$\{(\w+)\}", m => variables.TryGetValue(m.Groups[1].Value, out string? value) ? value : m.Value);

    [GeneratedRegex(@"^var (\w+) = '([^']*)'$", RegexOptions.Multiline)]
    private static partial Regex StringVariable();

    [GeneratedRegex(@"^param (\w+) ", RegexOptions.Multiline)]
    private static partial Regex Parameter();

    [GeneratedRegex(@"^\s*\{ name: '(?<name>[A-Za-z_]+)', (?<kind>value|secretRef): (?<value>.+) \}$", RegexOptions.Multiline)]
    private static partial Regex EnvEntry();

    [GeneratedRegex(@"\{ name: '([a-z-]+)', value: (clusterConnection|blobConnection|tlsCertificate|tlsCertificatePassword|tlsTrustedCertificate) \}")]
    private static partial Regex SecretDeclaration();
}
