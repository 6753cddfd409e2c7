using OrleansML.Dashboard;

namespace OrleansML.Silo.Dashboard;

/// <summary>Adds the training page to the silo host when <c>OrleansML:Dashboard:Port</c> is set.</summary>
internal static class DashboardHosting
{
    /// <summary>
    /// Validates <c>OrleansML:Dashboard</c> (values, a token beyond loopback, a port the silo does not use and nothing
    /// listens on) and registers the server, which starts after the silo has joined.
    /// </summary>
    /// <exception cref="SiloStartupException">A value is invalid or the port is taken.</exception>
    public static void AddTrainingDashboard(this IServiceCollection services, IConfiguration configuration)
    {
        DashboardOptions options;
        try
        {
            options = DashboardOptions.Load(configuration);
        }
        catch (DashboardException exception)
        {
            throw new SiloStartupException(SiloStartupProblem.InvalidConfiguration, exception.Message);
        }

        if (options.Port == 0)
        {
            return;
        }

        (IPEndPoint silo, IPEndPoint? gateway) = SiloStartupChecks.ListeningEndpoints(new ProviderSettings(configuration).Endpoints);
        if (options.Port == silo.Port || options.Port == gateway?.Port)
        {
            throw new SiloStartupException(SiloStartupProblem.InvalidConfiguration,
                $"{DashboardOptions.Section}:Port is {options.Port}, which the silo already uses for its {(options.Port == silo.Port ? "SiloPort" : "GatewayPort")}: choose another port.");
        }

        SiloStartupChecks.CheckPortFree(new IPEndPoint(options.Address, options.Port), $"{DashboardOptions.Section}:Port");
        services.AddSingleton(options);
        services.AddHostedService<DashboardService>();
    }
}
