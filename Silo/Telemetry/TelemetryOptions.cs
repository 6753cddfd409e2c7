using System.Globalization;
using OpenTelemetry.Exporter;

namespace OrleansML.Silo.Telemetry;

/// <summary>
/// <c>OrleansML:Telemetry</c>: where the silo exports OrleansML's and Orleans' metrics and spans (docs/telemetry.md).
/// Everything is off by default; OTLP turns on with an endpoint (here or in the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>), the Prometheus scrape endpoint with a port.
/// </summary>
internal sealed class TelemetryOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "OrleansML:Telemetry";

    /// <summary>The standard OpenTelemetry variable, honoured when <see cref="OtlpEndpoint"/> is not set.</summary>
    public const string StandardOtlpEndpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The OTLP collector's base address (e.g. <c>http://collector:4317</c> for gRPC); none by default.
    /// With <see cref="OtlpExportProtocol.HttpProtobuf"/> the signal paths <c>v1/metrics</c> and <c>v1/traces</c> are
    /// appended to it.</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>OTLP's transport: <c>Grpc</c> (the default, port 4317) or <c>HttpProtobuf</c> (port 4318).</summary>
    public OtlpExportProtocol OtlpProtocol { get; set; } = OtlpExportProtocol.Grpc;

    /// <summary>Whether OTLP is on because <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (and <see cref="OtlpEndpoint"/> is not).</summary>
    public bool OtlpFromEnvironment { get; private set; }

    /// <summary>The port of the Prometheus scrape endpoint <c>/metrics</c>; 0 (the default) serves none. It must
    /// differ from the silo's, the gateway's and the health endpoint's ports.</summary>
    public int PrometheusPort { get; set; }

    /// <summary>The address the scrape endpoint listens on; 127.0.0.1 by default, <c>0.0.0.0</c> for every IPv4
    /// address (for a Prometheus server on another machine).</summary>
    public IPAddress PrometheusAddress { get; set; } = IPAddress.Loopback;

    /// <summary>The fraction of traces recorded (when the caller did not decide already: a sampled parent's children
    /// are sampled); 1 by default, 0 to 1. Applies to OTLP, the only exporter of spans.</summary>
    public double TraceSampleRatio { get; set; } = 1;

    /// <summary>Whether the .NET runtime's metrics (GC, thread pool, JIT) are exported too; true by default.</summary>
    public bool RuntimeMetrics { get; set; } = true;

    /// <summary>The <c>service.name</c> resource attribute; <c>orleansml-silo</c> by default.</summary>
    public string ServiceName { get; set; } = "orleansml-silo";

    /// <summary>Whether OTLP export is on.</summary>
    public bool OtlpEnabled => OtlpEndpoint is not null || OtlpFromEnvironment;

    /// <summary>Whether the scrape endpoint is on.</summary>
    public bool PrometheusEnabled => PrometheusPort != 0;

    /// <summary>Whether anything is exported.</summary>
    public bool Enabled => OtlpEnabled || PrometheusEnabled;

    private static readonly string[] s_keys =
        [nameof(OtlpEndpoint), nameof(OtlpProtocol), nameof(PrometheusPort), nameof(PrometheusAddress), nameof(TraceSampleRatio), nameof(RuntimeMetrics), nameof(ServiceName)];

    /// <summary>Reads and validates the section.</summary>
    /// <exception cref="SiloStartupException">A key is unknown, or a value does not parse or is out of range; the
    /// message names the key.</exception>
    public static TelemetryOptions Load(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        IConfigurationSection section = configuration.GetSection(Section);
        foreach (IConfigurationSection child in section.GetChildren())
        {
            if (!s_keys.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                throw Invalid($"{child.Path} is not a telemetry setting: the keys are {string.Join(", ", s_keys)}.");
            }
        }

        var options = new TelemetryOptions();
        if (section[nameof(OtlpEndpoint)] is { Length: > 0 } endpoint)
        {
            options.OtlpEndpoint = Uri.TryCreate(endpoint, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
                ? uri
                : throw Invalid($"{Section}:OtlpEndpoint must be an absolute http:// or https:// address (e.g. http://collector:4317), was '{endpoint}'.");
        }
        else if (configuration[StandardOtlpEndpoint] is { Length: > 0 } standard)
        {
            options.OtlpFromEnvironment = Uri.TryCreate(standard, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
                ? true
                : throw Invalid($"{StandardOtlpEndpoint} must be an absolute http:// or https:// address, was '{standard}'.");
        }

        if (section[nameof(OtlpProtocol)] is { Length: > 0 } protocol)
        {
            options.OtlpProtocol = protocol.Equals("Grpc", StringComparison.OrdinalIgnoreCase) ? OtlpExportProtocol.Grpc
                : protocol.Equals("HttpProtobuf", StringComparison.OrdinalIgnoreCase) ? OtlpExportProtocol.HttpProtobuf
                : throw Invalid($"{Section}:OtlpProtocol must be Grpc or HttpProtobuf, was '{protocol}'.");
        }

        if (section[nameof(PrometheusPort)] is { Length: > 0 } port)
        {
            options.PrometheusPort = int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value <= 65535
                ? value
                : throw Invalid($"{Section}:PrometheusPort must be a port in 0..65535 (0: no scrape endpoint), was '{port}'.");
        }

        if (section[nameof(PrometheusAddress)] is { Length: > 0 } address)
        {
            options.PrometheusAddress = IPAddress.TryParse(address, out IPAddress? parsed) && !parsed.Equals(IPAddress.None)
                ? parsed
                : throw Invalid($"{Section}:PrometheusAddress must be an IP address of this machine (e.g. 127.0.0.1, or 0.0.0.0 for all), was '{address}'.");
        }

        if (section[nameof(TraceSampleRatio)] is { Length: > 0 } ratio)
        {
            options.TraceSampleRatio = double.TryParse(ratio, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value is >= 0 and <= 1
                ? value
                : throw Invalid($"{Section}:TraceSampleRatio must be a number from 0 to 1, was '{ratio}'.");
        }

        if (section[nameof(RuntimeMetrics)] is { Length: > 0 } runtime)
        {
            options.RuntimeMetrics = bool.TryParse(runtime, out bool value)
                ? value
                : throw Invalid($"{Section}:RuntimeMetrics must be true or false, was '{runtime}'.");
        }

        if (section[nameof(ServiceName)] is { } name)
        {
            options.ServiceName = !string.IsNullOrWhiteSpace(name)
                ? name.Trim()
                : throw Invalid($"{Section}:ServiceName must not be empty.");
        }

        return options;
    }

    private static SiloStartupException Invalid(string message) => new(SiloStartupProblem.InvalidConfiguration, message);
}
