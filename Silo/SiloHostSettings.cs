using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;

namespace OrleansML.Silo;

/// <summary>
/// The Silo executable's top-level settings, read from configuration (appsettings.json, then
/// <c>ORLEANSML_</c> environment variables, then command-line flags; later sources win) and validated:
/// <see cref="Load"/> throws <see cref="SiloConfigurationException"/> naming the setting at fault. The
/// sections <c>Silo</c>, <c>FailureDetection</c> and <c>Transport</c> are bound onto the runtime's own
/// options classes (see README.md).
/// </summary>
internal sealed class SiloHostSettings
{
    /// <summary>Command-line flags and the configuration keys they set.</summary>
    public static readonly IReadOnlyDictionary<string, string> Switches = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--cluster-id"] = "ClusterId",
        ["--name"] = "Name",
        ["--listen"] = "Listen",
        ["--advertised-host"] = "AdvertisedHost",
        ["--silo-port"] = "SiloPort",
        ["--gateway-port"] = "GatewayPort",
        ["--membership"] = "Membership",
        ["--storage"] = "Storage",
        ["--secret-file"] = "SecretFile",
        ["--grain-assemblies"] = "GrainAssemblies",
        ["--config"] = "Config",
        ["--inline-socket-completions"] = "InlineSocketCompletions",
    };

    private static readonly string[] s_sections = ["Silo", "FailureDetection", "Transport", "Logging"];

    public string ClusterId { get; private init; } = "dev";

    public string Name { get; private init; } = "silo";

    public IPAddress Listen { get; private init; } = IPAddress.Loopback;

    public string? AdvertisedHost { get; private init; }

    public int SiloPort { get; private init; }

    /// <summary>Null: not a gateway.</summary>
    public int? GatewayPort { get; private init; }

    /// <summary>Null: in-memory membership (a one-silo cluster); else the SQLite file.</summary>
    public string? MembershipDatabase { get; private init; }

    /// <summary>Null: in-memory grain storage; else the directory of the file storage.</summary>
    public string? StorageDirectory { get; private init; }

    /// <summary>The cluster secret. Never logged, never part of an error message.</summary>
    public string ClusterSecret { get; private init; } = "";

    public IReadOnlyList<string> GrainAssemblies { get; private init; } = [];

    /// <summary>
    /// Run socket completions on the socket engine's thread instead of handing each to the thread pool (default
    /// false). A silo's receive path only parses frames and queues them to activations (large bodies are copied off
    /// that thread), so for request/response traffic the hand-off only adds a thread wake: grain round trips
    /// between two silo processes took a median 72 us with it off and 54 us with it on (7 alternating runs of the
    /// transport benchmark). Training does worse with it (2-silo BSP synchronisation per worker, 10 epochs: median
    /// 0.17 s off, 0.23 s on over 15 alternating runs), so it is off unless asked for.
    /// </summary>
    public bool InlineSocketCompletions { get; private init; }

    /// <summary>A readable summary without the secret (logged at start).</summary>
    public override string ToString() =>
        $"cluster {ClusterId}, name {Name}, listen {Listen}, silo port {SiloPort}, gateway port {GatewayPort?.ToString(CultureInfo.InvariantCulture) ?? "none"}, " +
        $"membership {(MembershipDatabase is null ? "memory" : "sqlite:" + MembershipDatabase)}, storage {(StorageDirectory is null ? "memory" : "file:" + StorageDirectory)}, " +
        $"grain assemblies [{string.Join(", ", GrainAssemblies)}]";

    /// <summary>Rejects command-line arguments that are not known flags or <c>--Section:Key</c> settings (typos would otherwise be ignored).</summary>
    public static void CheckArguments(IReadOnlyList<string> args)
    {
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string flag = arg.Split('=', 2)[0];
            bool known = Switches.ContainsKey(flag)
                || (flag.StartsWith("--", StringComparison.Ordinal) && s_sections.Any(s => flag.StartsWith($"--{s}:", StringComparison.OrdinalIgnoreCase)));
            if (!known)
            {
                throw new SiloConfigurationException($"unknown argument '{arg}'. Flags: {string.Join(", ", Switches.Keys)}, or --Silo:<option>, --FailureDetection:<option>, --Transport:<option> <value>.");
            }

            if (!arg.Contains('=', StringComparison.Ordinal))
            {
                if (i + 1 >= args.Count)
                {
                    throw new SiloConfigurationException($"'{arg}' needs a value.");
                }

                i++;
            }
        }
    }

    /// <summary>Reads and validates the settings.</summary>
    public static SiloHostSettings Load(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string clusterId = configuration["ClusterId"] ?? "dev";
        Require(clusterId.Length is > 0 and <= 256, "ClusterId (--cluster-id)", "must be 1..256 characters");
        string name = configuration["Name"] ?? "silo";
        Require(name.Length is > 0 and <= 256, "Name (--name)", "must be 1..256 characters");

        string listenText = configuration["Listen"] ?? "127.0.0.1";
        Require(IPAddress.TryParse(listenText, out IPAddress? listen), "Listen (--listen)", $"must be an IP address, was '{listenText}'");
        string? advertised = configuration["AdvertisedHost"];
        Require(advertised is null || IPAddress.TryParse(advertised, out _), "AdvertisedHost (--advertised-host)", $"must be an IP address, was '{advertised}'");
        Require(advertised is not null || (!listen!.Equals(IPAddress.Any) && !listen.Equals(IPAddress.IPv6Any)),
            "AdvertisedHost (--advertised-host)", "is required when Listen is a wildcard address (other silos must know where to connect)");

        int siloPort = Port(configuration["SiloPort"] ?? "0", "SiloPort (--silo-port)");
        string gatewayText = configuration["GatewayPort"] ?? "0";
        int? gatewayPort = string.Equals(gatewayText, "none", StringComparison.OrdinalIgnoreCase) ? null : Port(gatewayText, "GatewayPort (--gateway-port)");
        Require(gatewayPort is null or 0 || gatewayPort != siloPort, "GatewayPort (--gateway-port)", "must differ from SiloPort");

        string membership = configuration["Membership"] ?? "memory";
        string? database = null;
        if (membership.StartsWith("sqlite:", StringComparison.Ordinal))
        {
            database = membership["sqlite:".Length..];
            Require(database.Length > 0, "Membership (--membership)", "sqlite: needs a file path (sqlite:/path/cluster.db)");
        }
        else
        {
            Require(membership == "memory", "Membership (--membership)", $"must be 'memory' or 'sqlite:<path>', was '{membership}'");
        }

        string storage = configuration["Storage"] ?? "memory";
        string? storageDirectory = null;
        if (storage.StartsWith("file:", StringComparison.Ordinal))
        {
            storageDirectory = storage["file:".Length..];
            Require(storageDirectory.Length > 0, "Storage (--storage)", "file: needs a directory (file:/path/grains)");
        }
        else
        {
            Require(storage == "memory", "Storage (--storage)", $"must be 'memory' or 'file:<directory>', was '{storage}'");
        }

        string inlineText = configuration["InlineSocketCompletions"] ?? "false";
        Require(bool.TryParse(inlineText, out bool inlineSocketCompletions), "InlineSocketCompletions (--inline-socket-completions)", $"must be true or false, was '{inlineText}'");

        return new SiloHostSettings
        {
            InlineSocketCompletions = inlineSocketCompletions,
            ClusterId = clusterId,
            Name = name,
            Listen = listen!,
            AdvertisedHost = advertised,
            SiloPort = siloPort,
            GatewayPort = gatewayPort,
            MembershipDatabase = database,
            StorageDirectory = storageDirectory,
            ClusterSecret = ReadSecret(configuration),
            GrainAssemblies = [.. (configuration["GrainAssemblies"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
        };
    }

    private static string ReadSecret(IConfiguration configuration)
    {
        string? file = configuration["SecretFile"];
        string? inline = configuration["ClusterSecret"];
        Require(file is null || inline is null, "SecretFile (--secret-file)", "and ClusterSecret are exclusive: set one");
        string secret;
        if (file is not null)
        {
            try
            {
                secret = File.ReadAllText(file).TrimEnd('\r', '\n');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw new SiloConfigurationException($"SecretFile (--secret-file): cannot read '{file}': {e.Message}");
            }
        }
        else
        {
            secret = inline ?? "";
        }

        // The message states the rule, never the value.
        Require(Encoding.UTF8.GetByteCount(secret) >= Runtime.Transport.TransportOptions.MinimumSecretBytes,
            "SecretFile (--secret-file) or ClusterSecret (ORLEANSML_CLUSTERSECRET)",
            $"must provide a cluster secret of at least {Runtime.Transport.TransportOptions.MinimumSecretBytes} bytes");
        return secret;
    }

    private static int Port(string text, string setting)
    {
        Require(int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port <= 65535, setting, $"must be a port in 0..65535 (0 = any free port), was '{text}'");
        return port;
    }

    private static void Require(bool condition, string setting, string message)
    {
        if (!condition)
        {
            throw new SiloConfigurationException($"{setting} {message}.");
        }
    }
}

/// <summary>A setting of the Silo executable is missing or invalid; the message names it.</summary>
internal sealed class SiloConfigurationException(string message) : Exception(message);
