using Orleans.Dashboard;
using OrleansML.Dashboard;
using OrleansML.Silo.Health;
using OrleansML.Silo.Telemetry;
using OrleansDashboardPackageOptions = Orleans.Dashboard.DashboardOptions;
using TrainingPageOptions = OrleansML.Dashboard.DashboardOptions;

namespace OrleansML.Silo.Dashboard;

/// <summary>
/// Adds the Orleans Dashboard to the silo host when <c>OrleansML:OrleansDashboard:Port</c> is set: the package's
/// silo services (its grains, grain-call profiler and telemetry reader) go into the silo, and its pages and API are
/// served by an <see cref="OrleansDashboardEndpoint"/> on a port of their own, behind the token beyond loopback.
/// </summary>
internal static class OrleansDashboardHosting
{
    /// <summary>
    /// Validates <c>OrleansML:OrleansDashboard</c> before anything starts: the values parse, a token is set beyond
    /// loopback, the port is none the host already uses, and nothing listens on it yet.
    /// </summary>
    /// <exception cref="SiloStartupException">A value is invalid or the port is taken.</exception>
    public static OrleansDashboardOptions Check(IConfiguration configuration, HealthOptions health, TelemetryOptions telemetry)
    {
        OrleansDashboardOptions options;
        TrainingPageOptions page;
        try
        {
            options = OrleansDashboardOptions.Load(configuration);
            page = TrainingPageOptions.Load(configuration);
        }
        catch (DashboardException exception)
        {
            throw new SiloStartupException(SiloStartupProblem.InvalidConfiguration, exception.Message);
        }

        if (!options.Enabled)
        {
            return options;
        }

        (IPEndPoint silo, IPEndPoint? gateway) = SiloStartupChecks.ListeningEndpoints(new ProviderSettings(configuration).Endpoints);
        (int Port, string Key)[] taken =
        [
            (silo.Port, "Orleans:Endpoints:SiloPort"),
            (gateway?.Port ?? 0, "Orleans:Endpoints:GatewayPort"),
            (health.Enabled ? health.Port : 0, $"{HealthOptions.Section}:Port"),
            (telemetry.PrometheusPort, $"{TelemetryOptions.Section}:PrometheusPort"),
            (page.Port, $"{TrainingPageOptions.Section}:Port"),
        ];
        foreach ((int port, string key) in taken)
        {
            if (port == options.Port)
            {
                throw new SiloStartupException(SiloStartupProblem.InvalidConfiguration,
                    $"{OrleansDashboardOptions.Section}:Port is {options.Port}, which {key} already uses: choose another port.");
            }
        }

        SiloStartupChecks.CheckPortFree(new IPEndPoint(options.Address, options.Port), $"{OrleansDashboardOptions.Section}:Port");
        return options;
    }

    /// <summary>Adds the package's silo services when the dashboard is enabled, and notes which of them its pages
    /// resolve, for <see cref="OrleansDashboardEndpoint"/> to hand on.</summary>
    public static ISiloBuilder AddOrleansDashboard(this ISiloBuilder silo, OrleansDashboardOptions options)
    {
        if (!options.Enabled)
        {
            return silo;
        }

        silo.AddDashboard();
        // The package's endpoints resolve its own (internal) services by type; the endpoint's web application gets
        // the silo's instances of exactly those, so what it shows is this silo's data.
        var assembly = typeof(OrleansDashboardPackageOptions).Assembly;
        Type[] forwarded =
        [
            .. silo.Services
                .Where(d => d.Lifetime == ServiceLifetime.Singleton && d.ServiceType.Assembly == assembly && !d.ServiceType.IsGenericTypeDefinition)
                .Select(d => d.ServiceType)
                .Distinct(),
            typeof(Microsoft.Extensions.Options.IOptions<OrleansDashboardPackageOptions>),
        ];
        silo.Services.AddSingleton(new OrleansDashboardServices(forwarded));
        return silo;
    }

    /// <summary>Registers the endpoint (after Orleans, so it starts once the silo has joined the cluster).</summary>
    public static void AddOrleansDashboardEndpoint(this IServiceCollection services, OrleansDashboardOptions options)
    {
        if (!options.Enabled)
        {
            return;
        }

        services.AddSingleton(options);
        services.AddHostedService<OrleansDashboardEndpoint>();
    }
}
