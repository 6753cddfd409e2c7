using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;

namespace OrleansML.Dashboard;

/// <summary>
/// <c>OrleansML:Dashboard</c>: where the training page listens and who may read it. Bound to loopback it is open to
/// the machine's users; bound to any other address it requires <see cref="Token"/>, which every request must then
/// present (<c>Authorization: Bearer</c>, or <c>?token=</c> in the page's address), as the Orleans Dashboard requires
/// authentication unless it is bound to loopback.
/// </summary>
public sealed class DashboardOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "OrleansML:Dashboard";

    /// <summary>Shortest token accepted: a guessable token is no protection on a network.</summary>
    public const int MinimumTokenLength = 16;

    /// <summary>The TCP port. In the silo host 0 (the default) serves no dashboard; a server started with 0 in code
    /// takes a free port the operating system chooses (<see cref="DashboardServer.Address"/> says which).</summary>
    public int Port { get; set; }

    /// <summary>The address to listen on; 127.0.0.1 by default. Any address that is not loopback requires
    /// <see cref="Token"/>.</summary>
    public IPAddress Address { get; set; } = IPAddress.Loopback;

    /// <summary>The bearer token requests must present; null (the default) allows loopback binding only. At least
    /// <see cref="MinimumTokenLength"/> characters, no white space. Never logged.</summary>
    public string? Token { get; set; }

    /// <summary>How often the page polls for news; 1 s by default, 0.25 s to 60 s.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many finished jobs the page keeps showing (the newest); 50 by default, 1 to 10,000. Older ones
    /// leave the page; <c>/api/jobs/{id}</c> still answers for them.</summary>
    public int FinishedJobs { get; set; } = 50;

    /// <summary>Whether requests must present the token.</summary>
    public bool RequiresToken => Token is not null;

    /// <summary>Reads the section (keys are case-insensitive) and validates it.</summary>
    /// <exception cref="DashboardException">A value does not parse, is out of range, or the address is beyond
    /// loopback without a token; the message names the key.</exception>
    public static DashboardOptions Load(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        IConfigurationSection section = configuration.GetSection(Section);
        string[] keys = [nameof(Port), nameof(Address), nameof(Token), nameof(RefreshInterval), nameof(FinishedJobs)];
        foreach (IConfigurationSection child in section.GetChildren())
        {
            if (!keys.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                throw new DashboardException($"{child.Path} is not a dashboard setting: the keys are {string.Join(", ", keys)}.");
            }
        }

        var options = new DashboardOptions();
        if (section[nameof(Port)] is { Length: > 0 } port)
        {
            options.Port = ParsePort(port, $"{Section}:Port");
        }

        if (section[nameof(Address)] is { Length: > 0 } address)
        {
            options.Address = ParseAddress(address, $"{Section}:Address");
        }

        if (section[nameof(RefreshInterval)] is { Length: > 0 } refresh)
        {
            options.RefreshInterval = TimeSpan.TryParse(refresh, CultureInfo.InvariantCulture, out TimeSpan value)
                ? value
                : throw new DashboardException($"{Section}:RefreshInterval must be a time span (hh:mm:ss), was '{refresh}'.");
        }

        if (section[nameof(FinishedJobs)] is { Length: > 0 } finished)
        {
            options.FinishedJobs = int.TryParse(finished, NumberStyles.None, CultureInfo.InvariantCulture, out int value)
                ? value
                : throw new DashboardException($"{Section}:FinishedJobs must be a whole number from 1 to 10000, was '{finished}'.");
        }

        options.Token = section[nameof(Token)] is { Length: > 0 } token ? token : null;
        options.Validate();
        return options;
    }

    /// <summary>Checks the values together. <paramref name="name"/> turns a property's name into the name the user
    /// gave it, for messages (by default <c>OrleansML:Dashboard:Port</c>; the command line passes <c>--port</c>).</summary>
    /// <exception cref="DashboardException">A value is out of range, or the address needs a token.</exception>
    public void Validate(Func<string, string>? name = null)
    {
        name ??= key => $"{Section}:{key}";
        if (Port is < 0 or > 65535)
        {
            throw new DashboardException($"{name(nameof(Port))} must be a port in 0..65535, was {Port}.");
        }

        if (RefreshInterval < TimeSpan.FromMilliseconds(250) || RefreshInterval > TimeSpan.FromSeconds(60))
        {
            throw new DashboardException($"{name(nameof(RefreshInterval))} must be between 00:00:00.25 and 00:01:00, was {RefreshInterval}.");
        }

        if (FinishedJobs is < 1 or > 10_000)
        {
            throw new DashboardException($"{name(nameof(FinishedJobs))} must be from 1 to 10000, was {FinishedJobs}.");
        }

        if (Token is not null && (Token.Length < MinimumTokenLength || Token.Any(char.IsWhiteSpace)))
        {
            // The message never repeats the token.
            throw new DashboardException($"{name(nameof(Token))} must be at least {MinimumTokenLength} characters without white space (it was {Token.Length} characters).");
        }

        if (!IPAddress.IsLoopback(Address) && Token is null)
        {
            throw new DashboardException(
                $"{name(nameof(Address))} is {Address}, beyond loopback: the dashboard then requires a token ({Section}:Token, --token or ORLEANSML_DASHBOARD_TOKEN), " +
                "which every request must present as 'Authorization: Bearer <token>' or '?token=<token>'.");
        }
    }

    /// <summary>Parses a port for <paramref name="name"/>.</summary>
    public static int ParsePort(string text, string name) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value <= 65535
            ? value
            : throw new DashboardException($"{name} must be a port in 0..65535, was '{text}'.");

    /// <summary>Parses an address for <paramref name="name"/>.</summary>
    public static IPAddress ParseAddress(string text, string name) =>
        IPAddress.TryParse(text, out IPAddress? parsed) && !parsed.Equals(IPAddress.None)
            ? parsed
            : throw new DashboardException($"{name} must be an IP address of this machine (127.0.0.1, or 0.0.0.0 for all), was '{text}'.");
}
