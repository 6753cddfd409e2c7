using System.Net;
using Microsoft.Extensions.Configuration;
using OrleansML.Grains.Hosting;
using OrleansML.Learning.Storage;

namespace OrleansML.Cli;

/// <summary>
/// The flags and environment variables that name a cluster, read with the silos' own configuration keys so that one
/// settings file serves both. Highest first: the flags <c>--gateway</c> (repeatable) or <c>--postgres</c>, and
/// <c>--cluster-id</c>; the variables <c>ORLEANSML_GATEWAYS</c> (comma-separated), <c>ORLEANSML_POSTGRES</c>,
/// <c>ORLEANSML_CLUSTER_ID</c>; Orleans' keys as environment variables (<c>Orleans__ClusterId</c>,
/// <c>Orleans__Clustering__ProviderType=AdoNet</c>, <c>Orleans__Clustering__ConnectionString</c>, ...); and the
/// silos' settings file given with <c>--config</c> or <c>ORLEANSML_CONFIG</c>.
/// </summary>
internal sealed class ClusterConnection
{
    public const string NotConfiguredMessage =
        "no cluster is configured. Pass --gateway <host:port> (repeatable; the gateway ports the silos print in 'silo ready') " +
        "or --postgres <Npgsql connection string> (the silos' ADO.NET clustering), or --config <the silos' appsettings.json>; " +
        "or set ORLEANSML_GATEWAYS (comma-separated), ORLEANSML_POSTGRES or ORLEANSML_CONFIG, or Orleans' own variables " +
        "(Orleans__Clustering__ProviderType=AdoNet, Orleans__Clustering__ConnectionString=...). --cluster-id or ORLEANSML_CLUSTER_ID names the " +
        "cluster (default orleansml). ('train' and 'demo' run an embedded cluster when none is configured; 'predict' and 'export' read the models it saved.)";

    public Option<string[]> Gateway { get; } = new("--gateway") { Description = "A gateway, <host:port> or <port> on this machine (repeatable). Env ORLEANSML_GATEWAYS.", Recursive = true };

    public Option<string?> PostgreSql { get; } = new("--postgres") { Description = "The silos' PostgreSQL (ADO.NET clustering), as an Npgsql connection string. Env ORLEANSML_POSTGRES (preferred: a password on the command line is visible to other users).", Recursive = true };

    public Option<string?> ClusterId { get; } = new("--cluster-id") { Description = "The cluster id (default: the settings' Orleans:ClusterId, else orleansml). Env ORLEANSML_CLUSTER_ID.", Recursive = true };

    public Option<string?> Config { get; } = new("--config") { Description = "The silos' settings file (appsettings.json): its Orleans:ClusterId and Orleans:Clustering. Env ORLEANSML_CONFIG.", Recursive = true };

    public Option<string?> DataDirectory { get; } = new("--data-dir") { Description = "Embedded mode: where models and state are kept (default $XDG_DATA_HOME/orleansml or ~/.local/share/orleansml). Env ORLEANSML_DATA_DIR.", Recursive = true };

    public void AddTo(Command root)
    {
        root.Options.Add(Gateway);
        root.Options.Add(PostgreSql);
        root.Options.Add(ClusterId);
        root.Options.Add(Config);
        root.Options.Add(DataDirectory);
    }

    /// <summary>The cluster the flags and environment name, or null when they name none.</summary>
    /// <exception cref="CliException">They name one incompletely or wrongly (exit 2, naming the flag or key).</exception>
    public ClusterTarget? Resolve(ParseResult parse, IReadOnlyDictionary<string, string?> environment)
    {
        string? configFile = parse.GetValue(Config) ?? Env(environment, "ORLEANSML_CONFIG");
        IConfiguration settings = Settings(configFile, environment);
        ClusterTarget? target = Resolve(parse, environment, configFile, settings);
        if (target is not null)
        {
            target.Tls = Tls(settings);
        }

        return target;
    }

    /// <summary>The TLS settings (<c>OrleansML:Tls</c>) with their certificates loaded, or null when TLS is off.</summary>
    private static Action<Orleans.Connections.Security.TlsOptions>? Tls(IConfiguration settings)
    {
        try
        {
            OrleansML.Security.TlsSettings tls = OrleansML.Security.TlsSettings.Load(settings);
            return tls.Enabled ? tls.CreateConfiguration() : null;
        }
        catch (InvalidOperationException exception)
        {
            throw new CliException(ExitCodes.BadUsage, exception.Message, exception);
        }
    }

    private ClusterTarget? Resolve(ParseResult parse, IReadOnlyDictionary<string, string?> environment, string? configFile, IConfiguration settings)
    {
        string clusterId = parse.GetValue(ClusterId) ?? Env(environment, "ORLEANSML_CLUSTER_ID") ?? NonEmpty(settings["Orleans:ClusterId"]) ?? ProviderSettings.DefaultIdentity;
        string serviceId = NonEmpty(settings["Orleans:ServiceId"]) ?? ProviderSettings.DefaultIdentity;
        string[] gateways = parse.GetValue(Gateway) is { Length: > 0 } flags
            ? flags
            : (Env(environment, "ORLEANSML_GATEWAYS") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string? postgres = parse.GetValue(PostgreSql) ?? Env(environment, "ORLEANSML_POSTGRES");
        if (gateways.Length > 0 && postgres is not null)
        {
            throw new CliException(ExitCodes.BadUsage, "--gateway (ORLEANSML_GATEWAYS) and --postgres (ORLEANSML_POSTGRES) are exclusive: name the cluster one way.");
        }

        if (gateways.Length > 0)
        {
            return ClusterTarget.ForGateways(clusterId, serviceId, [.. gateways.Select(g => ParseGateway(g, "--gateway (ORLEANSML_GATEWAYS)"))]);
        }

        if (postgres is not null)
        {
            return ClusterTarget.ForPostgreSql(clusterId, serviceId, postgres, ProviderSettings.PostgreSqlInvariant);
        }

        IConfigurationSection clustering = settings.GetSection("Orleans:Clustering");
        if (clustering.Exists())
        {
            return FromClustering(clustering, settings, clusterId, serviceId);
        }

        // The silos' settings without clustering: a silo on this machine, whose gateway port they give.
        return configFile is null ? null : ClusterTarget.ForGateways(clusterId, serviceId, [new IPEndPoint(IPAddress.Loopback, LocalGatewayPort(settings))]);
    }

    /// <summary>The embedded cluster's data directory: --data-dir, ORLEANSML_DATA_DIR, or the XDG default.</summary>
    public string ResolveDataDirectory(ParseResult parse, IReadOnlyDictionary<string, string?> environment)
    {
        string? directory = parse.GetValue(DataDirectory) ?? Env(environment, "ORLEANSML_DATA_DIR");
        if (directory is not null)
        {
            return Path.GetFullPath(directory);
        }

        try
        {
            return LocalDataDirectory.Default(name => Env(environment, name));
        }
        catch (InvalidOperationException exception)
        {
            throw new CliException(ExitCodes.BadUsage, $"--data-dir: {exception.Message} Pass --data-dir or set ORLEANSML_DATA_DIR.", exception);
        }
    }

    /// <summary>The PostgreSQL connection string for <c>db</c> commands: --postgres, ORLEANSML_POSTGRES, or the configured AdoNet clustering's.</summary>
    public string? ResolvePostgreSql(ParseResult parse, IReadOnlyDictionary<string, string?> environment)
    {
        if ((parse.GetValue(PostgreSql) ?? Env(environment, "ORLEANSML_POSTGRES")) is string flag)
        {
            return flag;
        }

        IConfiguration settings = Settings(parse.GetValue(Config) ?? Env(environment, "ORLEANSML_CONFIG"), environment);
        IConfigurationSection clustering = settings.GetSection("Orleans:Clustering");
        return clustering.Exists() && ProviderSettings.ProviderTypeOf(clustering).Equals("AdoNet", StringComparison.OrdinalIgnoreCase)
            ? new ProviderSettings(settings).ConnectionStringOf(clustering)
            : null;
    }

    /// <summary>
    /// The silos' blob store as their settings name it (<c>OrleansML:BlobStore</c> in --config or the environment's
    /// <c>OrleansML__BlobStore__*</c>), for writing what the silos must read (imported datasets); null when the settings
    /// name none. A local store without a directory names nothing this process can know, so it is null too.
    /// </summary>
    /// <exception cref="CliException">The settings name a store with bad values (exit 2, naming the key).</exception>
    public BlobStoreOptions? ResolveBlobStore(ParseResult parse, IReadOnlyDictionary<string, string?> environment)
    {
        IConfigurationSection section = Settings(parse.GetValue(Config) ?? Env(environment, "ORLEANSML_CONFIG"), environment).GetSection("OrleansML:BlobStore");
        if (!section.Exists())
        {
            return null;
        }

        var options = new BlobStoreOptions();
        section.Bind(options);
        if (options.Kind == BlobStoreKind.Local && string.IsNullOrWhiteSpace(options.Directory))
        {
            return null;
        }

        IReadOnlyList<string> errors = options.Validate();
        return errors.Count == 0 ? options : throw new CliException(ExitCodes.BadUsage, $"OrleansML:BlobStore: {string.Join("; ", errors)}");
    }

    /// <summary><c>host:port</c> (an IP address or localhost) or a bare port on this machine.</summary>
    internal static IPEndPoint ParseGateway(string text, string source)
    {
        string value = text.Trim();
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int bare) && bare is >= 1 and <= 65535)
        {
            return new IPEndPoint(IPAddress.Loopback, bare);
        }

        if (value.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase))
        {
            value = "127.0.0.1" + value["localhost".Length..];
        }

        return IPEndPoint.TryParse(value, out IPEndPoint? endpoint) && endpoint.Port is >= 1 and <= 65535
            ? endpoint
            : throw new CliException(ExitCodes.BadUsage, $"{source}: '{text}' must be <IP address>:<port>, localhost:<port> or a port on this machine, e.g. 127.0.0.1:30000.");
    }

    private static ClusterTarget FromClustering(IConfigurationSection clustering, IConfiguration settings, string clusterId, string serviceId)
    {
        string provider = ProviderSettings.ProviderTypeOf(clustering);
        if (provider.Equals("AdoNet", StringComparison.OrdinalIgnoreCase))
        {
            string invariant = NonEmpty(clustering["Invariant"]) ?? ProviderSettings.PostgreSqlInvariant;
            if (invariant != ProviderSettings.PostgreSqlInvariant)
            {
                throw new CliException(ExitCodes.BadUsage, $"{clustering.Path}:Invariant is '{invariant}'; OrleansML supports PostgreSQL only ('{ProviderSettings.PostgreSqlInvariant}').");
            }

            string connectionString = new ProviderSettings(settings).ConnectionStringOf(clustering)
                ?? throw new CliException(ExitCodes.BadUsage, $"{clustering.Path} chooses AdoNet but names no database: set {clustering.Path}:ConnectionString or ConnectionName.");
            return ClusterTarget.ForPostgreSql(clusterId, serviceId, connectionString, invariant);
        }

        if (provider.Equals("Static", StringComparison.OrdinalIgnoreCase) || provider.Equals("Development", StringComparison.OrdinalIgnoreCase))
        {
            IPEndPoint[] gateways = [.. clustering.GetSection("Gateways").GetChildren()
                .Select(child => ParseGateway(child.Value ?? "", child.Path))];
            return ClusterTarget.ForGateways(clusterId, serviceId, gateways.Length > 0 ? gateways : [new IPEndPoint(IPAddress.Loopback, LocalGatewayPort(settings))]);
        }

        throw new CliException(ExitCodes.BadUsage, $"{clustering.Path}:ProviderType is '{provider}'; the CLI reaches clusters whose clustering is AdoNet (PostgreSQL), Development or Static.");
    }

    private static int LocalGatewayPort(IConfiguration settings)
    {
        string? text = settings["Orleans:Endpoints:GatewayPort"];
        if (text is null)
        {
            return Orleans.Configuration.EndpointOptions.DEFAULT_GATEWAY_PORT;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port is >= 1 and <= 65535
            ? port
            : throw new CliException(ExitCodes.BadUsage, $"Orleans:Endpoints:GatewayPort must be a port in 1..65535 for the CLI to connect, was '{text}'.");
    }

    /// <summary>The settings file (if any) under Orleans' keys from the environment.</summary>
    private static IConfiguration Settings(string? file, IReadOnlyDictionary<string, string?> environment)
    {
        var builder = new ConfigurationBuilder();
        if (file is not null)
        {
            string full = Path.GetFullPath(file);
            if (!File.Exists(full))
            {
                throw new CliException(ExitCodes.BadUsage, $"--config (ORLEANSML_CONFIG): '{file}' does not exist.");
            }

            builder.AddJsonFile(full, optional: false, reloadOnChange: false);
        }

        builder.AddInMemoryCollection(environment
            .Where(e => e.Value is not null && (e.Key.StartsWith("Orleans__", StringComparison.Ordinal) || e.Key.StartsWith("OrleansML__", StringComparison.Ordinal) || e.Key.StartsWith("ConnectionStrings__", StringComparison.Ordinal)))
            .Select(e => new KeyValuePair<string, string?>(e.Key.Replace("__", ":", StringComparison.Ordinal), e.Value)));
        try
        {
            return builder.Build();
        }
        catch (Exception exception) when (exception is InvalidDataException or FormatException or System.Text.Json.JsonException)
        {
            throw new CliException(ExitCodes.BadUsage, $"--config (ORLEANSML_CONFIG): '{file}' is not valid JSON: {exception.InnerException?.Message ?? exception.Message}", exception);
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string? Env(IReadOnlyDictionary<string, string?> environment, string name) =>
        environment.TryGetValue(name, out string? value) && !string.IsNullOrWhiteSpace(value) ? value : null;
}
