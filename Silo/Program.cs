using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansML.Runtime;
using OrleansML.Runtime.Hosting;
using OrleansML.Runtime.Membership;
using OrleansML.Runtime.Transport;
using OrleansML.Silo;

// The OrleansML silo host. Exit codes: 0 stopped normally, 1 the silo failed to start or was declared dead,
// 2 the configuration is invalid (the message names the setting). Stdout carries two lines only:
// "silo ready <address> gateway <port|none> name <name>" once serving, and "silo stopped" at the end.
SiloHostSettings settings;
IConfigurationRoot configuration;
IHost host;
try
{
    configuration = SiloHostFactory.BuildConfiguration(args);
    settings = SiloHostSettings.Load(configuration);

    // Read once by System.Net.Sockets when the first socket operation starts, which is after this point. An
    // operator's own setting of the variable wins.
    const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
    if (settings.InlineSocketCompletions && Environment.GetEnvironmentVariable(InlineCompletionsVariable) is null)
    {
        Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");
    }
    host = SiloHostFactory.Build(configuration, settings);
}
catch (Exception e) when (e is SiloConfigurationException or InvalidOperationException or FormatException or InvalidDataException)
{
    Console.Error.WriteLine($"orleansml-silo: configuration error: {e.Message}");
    return 2;
}

using (host)
{
    try
    {
        await host.StartAsync();
    }
    catch (OptionsValidationException e)
    {
        Console.Error.WriteLine($"orleansml-silo: configuration error: {e.Message}");
        return 2;
    }
    catch (Exception e) when (e is not OutOfMemoryException)
    {
        Console.Error.WriteLine($"orleansml-silo: the silo failed to start: {e.Message}");
        return 1;
    }

    // A silo the cluster declared dead has fenced itself (it serves nothing): end the process, so that a
    // supervisor sees it and starts a new incarnation.
    bool declaredDead = false;
    IHostApplicationLifetime lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
    host.Services.GetRequiredService<IMembershipAgent>().DeclaredDead += () =>
    {
        declaredDead = true;
        lifetime.StopApplication();
    };

    SiloAddress address = host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
    int? gateway = host.Services.GetRequiredService<ITransport>().GatewayEndPoint?.Port;
    Console.Out.WriteLine($"silo ready {address} gateway {gateway?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"} name {settings.Name}");
    Console.Out.Flush();

    // SIGTERM and Ctrl+C stop the host gracefully (the silo deactivates its grains and leaves the cluster).
    await host.WaitForShutdownAsync();
    Console.Out.WriteLine(declaredDead ? "silo stopped (declared dead by the cluster)" : "silo stopped");
    return declaredDead ? 1 : 0;
}
