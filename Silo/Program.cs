using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansML.Silo;
using OrleansML.Silo.Dashboard;
using OrleansML.Silo.Health;
using OrleansML.Silo.Telemetry;

// The OrleansML silo host (README.md). Exit codes: 0 stopped normally (SIGTERM or Ctrl+C); 1 the silo could not
// start (a service it needs does not answer, a port is in use, Orleans failed); 2 the configuration is invalid (the
// message names the key). Stdout carries two lines only: "silo ready ..." once the silo serves, and "silo stopped".
// Errors are one line on stderr, without stack traces; logs go to stderr too.
using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // Before the host runs, Ctrl+C abandons the checks; afterwards the host's own handler stops the silo.
    interrupted.Cancel();
    e.Cancel = true;
};

IHost host;
try
{
    IConfigurationRoot configuration = SiloConfiguration.Build(args);
    HealthOptions health = HealthHosting.Check(configuration);
    TelemetryOptions telemetry = TelemetryHosting.Check(configuration, health);
    OrleansDashboardOptions orleansDashboard = OrleansDashboardHosting.Check(configuration, health, telemetry);
    await SiloStartupChecks.RunAsync(configuration, interrupted.Token);
    host = BuildHost(configuration, health, telemetry, orleansDashboard);
}
catch (Exception exception) when (exception is not OperationCanceledException)
{
    return Fail(SiloStartupFailures.Explain(exception));
}
catch (OperationCanceledException)
{
    return 0;
}

using (host)
{
    try
    {
        await host.StartAsync(interrupted.Token);
    }
    catch (Exception exception) when (!interrupted.IsCancellationRequested)
    {
        return Fail(SiloStartupFailures.Explain(exception));
    }
    catch (OperationCanceledException)
    {
        return 0;
    }

    var details = host.Services.GetRequiredService<ILocalSiloDetails>();
    ClusterOptions cluster = host.Services.GetRequiredService<IOptions<ClusterOptions>>().Value;
    string gateway = details.GatewayAddress?.Endpoint.ToString() ?? "none";
    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"silo ready name={details.Name} silo={details.SiloAddress.Endpoint} gateway={gateway} cluster={cluster.ClusterId} service={cluster.ServiceId}"));
    Console.Out.Flush();

    // SIGTERM and Ctrl+C stop the host gracefully: the silo deactivates its grains and leaves the cluster.
    await host.WaitForShutdownAsync();
    Console.Out.WriteLine("silo stopped");
    return 0;
}

static IHost BuildHost(IConfiguration configuration, HealthOptions health, TelemetryOptions telemetry, OrleansDashboardOptions orleansDashboard)
{
    var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
    builder.Configuration.AddConfiguration(configuration);
    builder.Logging.AddConfiguration(configuration.GetSection("Logging"));

    // Logs go to stderr: stdout carries only the lines scripts wait for.
    builder.Logging.AddSimpleConsole(options => options.SingleLine = true);
    builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
    // Activity propagation carries a caller's trace context through grain calls (docs/telemetry.md).
    builder.UseOrleans(silo => silo.UseOrleansMLProviders().AddOrleansMLTraining().AddActivityPropagation().AddOrleansDashboard(orleansDashboard));
    builder.Services.AddHealthEndpoint(health);
    builder.Services.AddTelemetry(telemetry, configuration["Orleans:Name"] is { Length: > 0 } name ? name : Environment.MachineName);
    builder.Services.AddTrainingDashboard(configuration);
    builder.Services.AddOrleansDashboardEndpoint(orleansDashboard);
    return builder.Build();
}

static int Fail(SiloStartupException failure)
{
    Console.Error.WriteLine(failure.IsConfigurationError
        ? $"orleansml-silo: configuration error: {failure.Message}"
        : $"orleansml-silo: the silo could not start: {failure.Message}");
    return failure.IsConfigurationError ? 2 : 1;
}
