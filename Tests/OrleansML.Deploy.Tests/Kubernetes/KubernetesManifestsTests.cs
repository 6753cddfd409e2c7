using System.Globalization;
using Microsoft.Extensions.Hosting;
using YamlDotNet.RepresentationModel;

namespace OrleansML.Deploy.Tests.Kubernetes;

/// <summary>
/// deploy/kubernetes checked against the silo's options and the Orleans guidance (../shared/design/orleans.md §8): the
/// manifests parse; the Deployment advertises the pod IP through the downward API, rolls out with maxUnavailable 0,
/// requests CPU without a CPU limit, waits longer than the host's shutdown timeout, probes /healthz and /readyz on
/// the health port, takes its connection strings from the Secret; a PodDisruptionBudget covers its pods. (kubectl
/// cannot validate offline here: every kubectl validation asks an API server.)
/// </summary>
public sealed class KubernetesManifestsTests
{
    private static readonly List<YamlMappingNode> s_silo = Yaml.LoadAll(Repository.Deploy("kubernetes", "silo.yaml"));
    private static readonly List<YamlMappingNode> s_secrets = Yaml.LoadAll(Repository.Deploy("kubernetes", "secrets.example.yaml"));

    [Fact]
    public void The_deployment_advertises_the_pod_ip_and_every_setting_is_one_the_silo_reads()
    {
        YamlNode container = Container();
        var environment = Environment(container);
        Assert.Empty(SiloSettingKeys.Problems(environment.ToDictionary(e => e.Key, e => e.Value.Value ?? "(from " + e.Value.From + ")"), "silo.yaml"));
        Assert.Equal("fieldRef status.podIP", environment["Orleans__Endpoints__AdvertisedIPAddress"].From);
        Assert.Equal("fieldRef metadata.name", environment["Orleans__Name"].From);

        var ports = container.Items("ports").ToDictionary(p => p.Text("name")!, p => int.Parse(p.Text("containerPort")!, CultureInfo.InvariantCulture));
        Assert.Equal(Port(environment, "Orleans__Endpoints__SiloPort"), ports["silo"]);
        Assert.Equal(Port(environment, "Orleans__Endpoints__GatewayPort"), ports["gateway"]);
        Assert.Equal(Port(environment, "OrleansML__Health__Port"), ports["health"]);
        Assert.Equal($"0.0.0.0:{ports["silo"]}", environment["Orleans__Endpoints__SiloListeningEndpoint"].Value);
        Assert.Equal($"0.0.0.0:{ports["gateway"]}", environment["Orleans__Endpoints__GatewayListeningEndpoint"].Value);
        Assert.Equal("0.0.0.0", environment["OrleansML__Health__Address"].Value);

        // Telemetry is on: the scrape endpoint on the pod's metrics port, which the pod's annotations name; OTLP is a
        // placeholder, off until set.
        Assert.Equal(Port(environment, "OrleansML__Telemetry__PrometheusPort"), ports["metrics"]);
        Assert.Equal("0.0.0.0", environment["OrleansML__Telemetry__PrometheusAddress"].Value);
        Assert.Equal("", environment["OrleansML__Telemetry__OtlpEndpoint"].Value);
        var annotations = Document("Deployment").Entries("spec", "template", "metadata", "annotations").ToDictionary(e => e.Key, e => e.Value.ToString());
        Assert.Equal("true", annotations["prometheus.io/scrape"]);
        Assert.Equal(ports["metrics"].ToString(CultureInfo.InvariantCulture), annotations["prometheus.io/port"]);
        Assert.Equal("/metrics", annotations["prometheus.io/path"]);

        Assert.Equal("/healthz", container.Text("livenessProbe", "httpGet", "path"));
        Assert.Equal("/healthz", container.Text("startupProbe", "httpGet", "path"));
        Assert.Equal("/readyz", container.Text("readinessProbe", "httpGet", "path"));
        foreach (string probe in new[] { "livenessProbe", "startupProbe", "readinessProbe" })
        {
            Assert.Equal("health", container.Text(probe, "httpGet", "port"));
        }

        // The readiness probe must outwait the silo's own check timeout (OrleansML:Health:ProbeTimeout, 5 s by default).
        Assert.True(int.Parse(container.Text("readinessProbe", "timeoutSeconds")!, CultureInfo.InvariantCulture) > 5);
    }

    [Fact]
    public void Connection_strings_come_from_the_secret_and_nothing_secret_is_inline()
    {
        var environment = Environment(Container());
        var secrets = s_secrets.Where(d => d.Text("kind") == "Secret").ToDictionary(
            d => d.Text("metadata", "name")!,
            d => d.Entries("stringData").Concat(d.Entries("data")).Select(e => e.Key).ToArray());
        foreach (string key in new[] { "ConnectionStrings__cluster", "ConnectionStrings__blobs", "OrleansML__BlobStore__ConnectionString", "OrleansML__Tls__CertificatePassword" })
        {
            Assert.StartsWith("secretKeyRef ", environment[key].From, StringComparison.Ordinal);
            string[] reference = environment[key].From!["secretKeyRef ".Length..].Split('/');
            Assert.Contains(reference[1], secrets[reference[0]]);
        }

        // TLS is on, with the certificate files from the TLS Secret mounted where the settings look for them.
        Assert.Equal("true", environment["OrleansML__Tls__Enabled"].Value);
        YamlNode container = Container();
        string mount = container.Items("volumeMounts").Single(m => m.Text("name") == "tls").Text("mountPath")!;
        YamlNode volume = Document("Deployment").Items("spec", "template", "spec", "volumes").Single(v => v.Text("name") == "tls");
        string[] files = [.. volume.Items("secret", "items").Select(i => i.Text("path")!)];
        foreach (string key in new[] { "OrleansML__Tls__CertificatePath", "OrleansML__Tls__TrustedCertificatePath" })
        {
            string path = environment[key].Value!;
            Assert.Equal(mount, Path.GetDirectoryName(path));
            Assert.Contains(Path.GetFileName(path), files);
            Assert.Contains(Path.GetFileName(path), secrets[volume.Text("secret", "secretName")!]);
        }

        Assert.All(environment.Values, e => Assert.DoesNotContain("Password=", e.Value ?? "", StringComparison.OrdinalIgnoreCase));
        Assert.All(environment.Values, e => Assert.DoesNotContain("AccountKey=", e.Value ?? "", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Rollouts_disruptions_cpu_and_shutdown_follow_the_orleans_guidance()
    {
        YamlMappingNode deployment = Document("Deployment");
        Assert.Equal("0", deployment.Text("spec", "strategy", "rollingUpdate", "maxUnavailable"));
        YamlNode container = Container();
        Assert.NotNull(container.Text("resources", "requests", "cpu"));
        Assert.Null(container.At("resources", "limits", "cpu"));
        Assert.NotNull(container.Text("resources", "limits", "memory"));

        int grace = int.Parse(deployment.Text("spec", "template", "spec", "terminationGracePeriodSeconds")!, CultureInfo.InvariantCulture);
        Assert.True(TimeSpan.FromSeconds(grace) > new HostOptions().ShutdownTimeout, $"terminationGracePeriodSeconds {grace} must exceed the host's shutdown timeout {new HostOptions().ShutdownTimeout}");

        YamlMappingNode budget = Document("PodDisruptionBudget");
        Assert.Equal("1", budget.Text("spec", "maxUnavailable"));
        var podLabels = deployment.Entries("spec", "template", "metadata", "labels").ToDictionary(e => e.Key, e => e.Value.ToString());
        Assert.All(budget.Entries("spec", "selector", "matchLabels"), l => Assert.Equal(l.Value.ToString(), podLabels[l.Key]));
        Assert.All(deployment.Entries("spec", "selector", "matchLabels"), l => Assert.Equal(l.Value.ToString(), podLabels[l.Key]));

        Assert.Equal("true", deployment.Text("spec", "template", "spec", "securityContext", "runAsNonRoot"));
        string data = container.Items("volumeMounts").Single(m => m.Text("name") == "data").Text("mountPath")!;
        var image = Dockerfile.Environment(Dockerfile.Load(Repository.Deploy("container", "Dockerfile.silo")).Stages[^1]);
        Assert.Equal(image["OrleansML__DataDirectory"], data);
    }

    private static YamlMappingNode Document(string kind) => Assert.Single(s_silo, d => d.Text("kind") == kind);

    private static YamlNode Container() => Assert.Single(Document("Deployment").Items("spec", "template", "spec", "containers"));

    /// <summary>Each variable's literal value, or where it comes from (<c>fieldRef path</c>, <c>secretKeyRef name/key</c>).</summary>
    private static Dictionary<string, (string? Value, string? From)> Environment(YamlNode container) =>
        container.Items("env").ToDictionary(
            e => e.Text("name")!,
            e => (e.Text("value"),
                e.Text("valueFrom", "fieldRef", "fieldPath") is string field ? $"fieldRef {field}"
                : e.At("valueFrom", "secretKeyRef") is YamlNode secret ? $"secretKeyRef {secret.Text("name")}/{secret.Text("key")}"
                : null));

    private static int Port(Dictionary<string, (string? Value, string? From)> environment, string key) =>
        int.Parse(environment[key].Value!, CultureInfo.InvariantCulture);
}
