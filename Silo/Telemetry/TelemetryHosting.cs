using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using OrleansML.Grains.Diagnostics;
using OrleansML.Silo.Health;

namespace OrleansML.Silo.Telemetry;

/// <summary>
/// Exports the <see cref="OrleansMLTelemetry"/> meter and spans, Orleans' <c>Microsoft.Orleans</c> meter and
/// application spans, and optionally the runtime's metrics, through OpenTelemetry: OTLP (metrics and traces) and a
/// Prometheus scrape endpoint (metrics). Nothing is registered when both are off, so an idle listener costs nothing.
/// </summary>
internal static class TelemetryHosting
{
    /// <summary>Orleans' meter (<c>Orleans.Runtime.OrleansInstruments</c>).</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>Orleans' spans of calls to application grains (client and server sides of each call).</summary>
    public const string OrleansApplicationSource = "Microsoft.Orleans.Application";

    /// <summary>Orleans' spans of calls to grains whose interface namespace starts with "Orleans", which includes
    /// OrleansML's (<c>OrleansML.Jobs</c>, <c>OrleansML.Workers</c>, ...) as well as the runtime's own.</summary>
    public const string OrleansRuntimeSource = "Microsoft.Orleans.Runtime";

    /// <summary>
    /// Validates <c>OrleansML:Telemetry</c> before anything starts: the values parse, the scrape port is none of the
    /// silo's, the gateway's or the health endpoint's, and nothing listens on it yet.
    /// </summary>
    /// <exception cref="SiloStartupException">A value is invalid or the port is taken.</exception>
    public static TelemetryOptions Check(IConfiguration configuration, HealthOptions health)
    {
        TelemetryOptions options = TelemetryOptions.Load(configuration);
        if (!options.PrometheusEnabled)
        {
            return options;
        }

        (IPEndPoint silo, IPEndPoint? gateway) = SiloStartupChecks.ListeningEndpoints(new ProviderSettings(configuration).Endpoints);
        string? taken = options.PrometheusPort == silo.Port ? "SiloPort"
            : options.PrometheusPort == gateway?.Port ? "GatewayPort"
            : health.Enabled && options.PrometheusPort == health.Port ? $"{HealthOptions.Section}:Port"
            : null;
        if (taken is not null)
        {
            throw new SiloStartupException(SiloStartupProblem.InvalidConfiguration,
                $"{TelemetryOptions.Section}:PrometheusPort is {options.PrometheusPort}, which the silo already uses for its {taken}: choose another port.");
        }

        SiloStartupChecks.CheckPortFree(new IPEndPoint(options.PrometheusAddress, options.PrometheusPort), $"{TelemetryOptions.Section}:PrometheusPort");
        return options;
    }

    /// <summary>Registers the exporters <paramref name="options"/> turns on, and the scrape endpoint's server.</summary>
    public static void AddTelemetry(this IServiceCollection services, TelemetryOptions options, string siloName)
    {
        if (!options.Enabled)
        {
            return;
        }

        OpenTelemetryBuilder telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName, serviceInstanceId: siloName));
        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter(OrleansMLTelemetry.Name, OrleansMeter);
            if (options.RuntimeMetrics)
            {
                metrics.AddRuntimeInstrumentation();
            }

            if (options.PrometheusEnabled)
            {
                // Served by PrometheusEndpoint on its own port, not by the ASP.NET Core pipeline of an app.
                metrics.AddPrometheusExporter();
            }

            if (options.OtlpEnabled)
            {
                metrics.AddOtlpExporter(otlp => Configure(otlp, options, "v1/metrics"));
            }
        });

        if (options.OtlpEnabled)
        {
            // Only OTLP carries spans: without it, no source is listened to and StartActivity returns null.
            telemetry.WithTracing(tracing => tracing
                .AddSource(OrleansMLTelemetry.Name, OrleansApplicationSource, OrleansRuntimeSource)
                .SetSampler(new ParentBasedSampler(new OrleansMLRootSampler(options.TraceSampleRatio)))
                .AddOtlpExporter(otlp => Configure(otlp, options, "v1/traces")));
        }

        if (options.PrometheusEnabled)
        {
            services.AddSingleton(options);
            services.AddHostedService<PrometheusEndpoint>();
        }
    }

    /// <summary>Sets the endpoint when this section names one; otherwise the exporter reads the OTEL_* variables.</summary>
    private static void Configure(OtlpExporterOptions otlp, TelemetryOptions options, string signalPath)
    {
        if (options.OtlpEndpoint is not Uri endpoint)
        {
            return;
        }

        otlp.Protocol = options.OtlpProtocol;
        otlp.Endpoint = options.OtlpProtocol == OtlpExportProtocol.HttpProtobuf
            ? new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/" + signalPath)
            : endpoint;
    }
}
