using System.Globalization;

namespace OrleansML.Silo.Health;

/// <summary>
/// <c>OrleansML:Health</c>: the HTTP endpoint that serves <c>/healthz</c> (the process is alive) and <c>/readyz</c>
/// (the silo is Active in membership and its grain storage and blob store answer) to a supervisor, a load balancer
/// or Kubernetes probes. Off unless a port is set.
/// </summary>
internal sealed class HealthOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "OrleansML:Health";

    /// <summary>The TCP port; 0 (the default) serves no health endpoint.</summary>
    public int Port { get; set; }

    /// <summary>The address to listen on; 127.0.0.1 by default (nothing listens beyond this machine unless
    /// configured), <c>0.0.0.0</c> for every IPv4 address (in a container or pod).</summary>
    public IPAddress Address { get; set; } = IPAddress.Loopback;

    /// <summary>How long each readiness check (membership, grain storage, blob store) may take before it counts as
    /// failed; 5 s by default, at most 60 s. Keep it below the prober's own timeout.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether the endpoint is on.</summary>
    public bool Enabled => Port != 0;

    /// <summary>Reads and validates the section.</summary>
    /// <exception cref="SiloStartupException">A value does not parse or is out of range; the message names the key.</exception>
    public static HealthOptions Load(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        IConfigurationSection section = configuration.GetSection(Section);
        var options = new HealthOptions();
        foreach (IConfigurationSection child in section.GetChildren())
        {
            if (!IsKey(child.Key))
            {
                throw Invalid($"{child.Path} is not a health setting: the keys are Port, Address and ProbeTimeout.");
            }
        }

        if (section[nameof(Port)] is { Length: > 0 } port)
        {
            options.Port = int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value <= 65535
                ? value
                : throw Invalid($"{Section}:Port must be a port in 0..65535 (0: no health endpoint), was '{port}'.");
        }

        if (section[nameof(Address)] is { Length: > 0 } address)
        {
            options.Address = IPAddress.TryParse(address, out IPAddress? parsed) && !parsed.Equals(IPAddress.None)
                ? parsed
                : throw Invalid($"{Section}:Address must be an IP address of this machine (e.g. 127.0.0.1, or 0.0.0.0 for all), was '{address}'.");
        }

        if (section[nameof(ProbeTimeout)] is { Length: > 0 } timeout)
        {
            options.ProbeTimeout = TimeSpan.TryParse(timeout, CultureInfo.InvariantCulture, out TimeSpan value) && value > TimeSpan.Zero && value <= TimeSpan.FromSeconds(60)
                ? value
                : throw Invalid($"{Section}:ProbeTimeout must be a time span above 0 and at most 00:01:00 (hh:mm:ss), was '{timeout}'.");
        }

        return options;
    }

    // Configuration keys are case-insensitive.
    private static bool IsKey(string key) =>
        key.Equals(nameof(Port), StringComparison.OrdinalIgnoreCase)
        || key.Equals(nameof(Address), StringComparison.OrdinalIgnoreCase)
        || key.Equals(nameof(ProbeTimeout), StringComparison.OrdinalIgnoreCase);

    private static SiloStartupException Invalid(string message) => new(SiloStartupProblem.InvalidConfiguration, message);
}
