namespace OrleansML.Silo.Health;

/// <summary>Adds the health endpoint to the silo host when <c>OrleansML:Health:Port</c> is set.</summary>
internal static class HealthHosting
{
    /// <summary>
    /// Validates <c>OrleansML:Health</c> before anything starts: the values parse, the port is not the silo's or the
    /// gateway's, and nothing listens on it yet.
    /// </summary>
    /// <exception cref="SiloStartupException">A value is invalid or the port is taken.</exception>
    public static HealthOptions Check(IConfiguration configuration)
    {
        HealthOptions options = HealthOptions.Load(configuration);
        if (!options.Enabled)
        {
            return options;
        }

        (IPEndPoint silo, IPEndPoint? gateway) = SiloStartupChecks.ListeningEndpoints(new ProviderSettings(configuration).Endpoints);
        if (options.Port == silo.Port || options.Port == gateway?.Port)
        {
            throw new SiloStartupException(SiloStartupProblem.InvalidConfiguration,
                $"{HealthOptions.Section}:Port is {options.Port}, which the silo already uses for its {(options.Port == silo.Port ? "SiloPort" : "GatewayPort")}: choose another port.");
        }

        SiloStartupChecks.CheckPortFree(new IPEndPoint(options.Address, options.Port), $"{HealthOptions.Section}:Port");
        return options;
    }

    /// <summary>Registers the endpoint (after Orleans, so it starts once the silo has joined the cluster).</summary>
    public static void AddHealthEndpoint(this IServiceCollection services, HealthOptions options)
    {
        if (!options.Enabled)
        {
            return;
        }

        services.AddSingleton(options);
        services.AddSingleton(provider => new ReadinessProbe(provider, options, provider.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddHostedService<HealthEndpoint>();
    }
}
