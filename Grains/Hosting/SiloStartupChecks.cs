using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Orleans.Configuration;
using OrleansML.Grains.Jobs;
using OrleansML.Grains.Shards;

namespace OrleansML.Grains.Hosting;

/// <summary>
/// Checks a silo's configuration and the services it names before Orleans starts, so that a mistake surfaces as one
/// clear <see cref="SiloStartupException"/> (naming the key, the server or the port, never a secret) rather than as
/// an Orleans stack trace or a silo that retries for minutes: settings that do not parse, ports in use, PostgreSQL
/// unreachable or without OrleansML's schema, Azure Storage unreachable or refusing its key, a data directory that
/// cannot be written.
/// </summary>
public static class SiloStartupChecks
{
    /// <summary>Runs every check for the silo <paramref name="configuration"/> describes (its root).</summary>
    /// <exception cref="SiloStartupException">A check failed.</exception>
    public static async Task RunAsync(IConfiguration configuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = new ProviderSettings(configuration);
        (IPEndPoint silo, IPEndPoint? gateway) = ListeningEndpoints(settings.Endpoints);
        CheckMembership(configuration);
        CheckTrainingOptions(configuration);
        TlsHosting.Check(configuration);
        Transport.TransportHosting.Check(configuration);
        await ServiceChecks.RunAsync(settings, cancellationToken);
        CheckPortFree(silo, $"{settings.Endpoints.Path}:SiloPort");
        if (gateway is not null)
        {
            CheckPortFree(gateway, $"{settings.Endpoints.Path}:GatewayPort");
        }
    }

    /// <summary>
    /// The endpoints the silo will listen on, from <c>Orleans:Endpoints</c> with Orleans' default ports (11111,
    /// 30000) and OrleansML's default address (loopback). Orleans ignores values it cannot parse; these are errors.
    /// </summary>
    public static (IPEndPoint Silo, IPEndPoint? Gateway) ListeningEndpoints(IConfigurationSection endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        int siloPort = Port(endpoints, "SiloPort", EndpointOptions.DEFAULT_SILO_PORT, allowZero: false);
        int gatewayPort = Port(endpoints, "GatewayPort", EndpointOptions.DEFAULT_GATEWAY_PORT, allowZero: true);
        IPAddress advertised = IPAddress.Loopback;
        if (endpoints["AdvertisedIPAddress"] is { Length: > 0 } text)
        {
            if (!IPAddress.TryParse(text, out IPAddress? parsed) || parsed.Equals(IPAddress.Any) || parsed.Equals(IPAddress.IPv6Any) || parsed.Equals(IPAddress.None))
            {
                throw Invalid($"{endpoints.Path}:AdvertisedIPAddress must be the IP address other silos and clients reach this silo at (not 0.0.0.0), was '{text}'.");
            }

            advertised = parsed;
        }

        IPEndPoint silo = Endpoint(endpoints, "SiloListeningEndpoint") ?? new IPEndPoint(advertised, siloPort);
        IPEndPoint? gateway = Endpoint(endpoints, "GatewayListeningEndpoint") ?? (gatewayPort == 0 ? null : new IPEndPoint(advertised, gatewayPort));
        if (gateway is not null && gateway.Port == silo.Port && (gateway.Address.Equals(silo.Address) || IsWildcard(gateway.Address) || IsWildcard(silo.Address)))
        {
            throw Invalid($"{endpoints.Path}:GatewayPort and SiloPort are both {silo.Port}: the silo and the gateway need a port each.");
        }

        return (silo, gateway);
    }

    /// <summary>Throws when nothing could listen on <paramref name="endpoint"/> now (another process holds the port).</summary>
    public static void CheckPortFree(IPEndPoint endpoint, string key)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);

        // With SO_REUSEADDR the bind fails only if something listens on the port, not for connections in TIME_WAIT.
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        try
        {
            socket.Bind(endpoint);
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new SiloStartupException(SiloStartupProblem.PortInUse,
                $"Port {endpoint.Port} on {endpoint.Address} ({key}) is already in use: another silo or program listens there. Stop it or choose another port.", exception);
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.AddressNotAvailable)
        {
            throw Invalid($"{endpoint.Address} ({key}) is not an address of this machine, so nothing can listen on it. Set Orleans:Endpoints:AdvertisedIPAddress to one of this machine's addresses, or the listening endpoints to 0.0.0.0:<port>.", exception);
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.AccessDenied)
        {
            throw Invalid($"Listening on port {endpoint.Port} ({key}) is not permitted (ports below 1024 need privileges).", exception);
        }
    }

    private static void CheckMembership(IConfiguration configuration)
    {
        var options = new ClusterMembershipOptions();
        FailureDetectionDefaults.Apply(options);
        Bind(configuration.GetSection($"{ProviderSettings.OrleansMLSection}:Membership"), options);
        if (FailureDetectionDefaults.FindProblem(options) is string problem)
        {
            throw Invalid(problem);
        }
    }

    private static void CheckTrainingOptions(IConfiguration configuration)
    {
        IConfigurationSection section = configuration.GetSection(TrainingSiloBuilderExtensions.ConfigurationSection);
        var jobs = new TrainingJobOptions();
        var shards = new ParameterShardOptions();
        Bind(section.GetSection("Jobs"), jobs);
        Bind(section.GetSection("Shards"), shards);
        try
        {
            jobs.Validate();
            shards.Validate();
        }
        catch (ArgumentException exception)
        {
            // An ArgumentOutOfRangeException's message runs over several lines ("Actual value was ..."): keep one.
            throw Invalid($"{section.Path}: {exception.Message.ReplaceLineEndings(" ")}", exception);
        }
    }

    private static void Bind(IConfigurationSection section, object options)
    {
        try
        {
            section.Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException exception)
        {
            // The binder's messages name the key and the type ("Failed to convert configuration value at
            // 'OrleansML:Membership:ProbeTimeout' to type 'System.TimeSpan'", or the unknown keys).
            throw Invalid(exception.Message, exception);
        }
    }

    private static int Port(IConfigurationSection endpoints, string name, int fallback, bool allowZero)
    {
        string? text = endpoints[name];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535 || (port == 0 && !allowZero))
        {
            throw Invalid($"{endpoints.Path}:{name} must be a port in {(allowZero ? 0 : 1)}..65535{(allowZero ? " (0: no gateway)" : "")}, was '{text}'.");
        }

        return port;
    }

    private static IPEndPoint? Endpoint(IConfigurationSection endpoints, string name)
    {
        string? text = endpoints[name];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return IPEndPoint.TryParse(text, out IPEndPoint? endpoint) && endpoint.Port != 0
            ? endpoint
            : throw Invalid($"{endpoints.Path}:{name} must be <IP address>:<port>, e.g. 0.0.0.0:11111, was '{text}'.");
    }

    private static bool IsWildcard(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);

    internal static SiloStartupException Invalid(string message, Exception? inner = null) =>
        new(SiloStartupProblem.InvalidConfiguration, message, inner);
}
