using OrleansML.Dashboard;

namespace OrleansML.Silo.Dashboard;

/// <summary>
/// <c>OrleansML:OrleansDashboard</c>: whether the silo host serves the Orleans Dashboard (Microsoft.Orleans.Dashboard:
/// silos, grain activations, call rates and latencies, reminders, live logs), where, and who may read it. The same rule
/// as the training page (<see cref="DashboardOptions"/>): on loopback it is open to the machine's users; on any other
/// address it requires <see cref="Token"/>, which every request must present.
/// </summary>
internal sealed class OrleansDashboardOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "OrleansML:OrleansDashboard";

    /// <summary>The TCP port; 0 (the default) serves no Orleans Dashboard, and the silo then runs none of its grain-call
    /// profiling either.</summary>
    public int Port { get; set; }

    /// <summary>The address to listen on; 127.0.0.1 by default. Any address that is not loopback requires
    /// <see cref="Token"/>.</summary>
    public IPAddress Address { get; set; } = IPAddress.Loopback;

    /// <summary>The bearer token requests must present (<c>Authorization: Bearer</c>, or <c>?token=</c> once, after
    /// which the browser holds it in an HttpOnly cookie for the page's scripts); null (the default) allows loopback
    /// binding only. At least <see cref="DashboardOptions.MinimumTokenLength"/> characters, no white space. Never
    /// logged.</summary>
    public string? Token { get; set; }

    /// <summary>Whether the host serves the Orleans Dashboard.</summary>
    public bool Enabled => Port != 0;

    /// <summary>Reads the section (keys are case-insensitive) and validates it.</summary>
    /// <exception cref="DashboardException">A value does not parse, or the address is beyond loopback without a
    /// token; the message names the key.</exception>
    public static OrleansDashboardOptions Load(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        IConfigurationSection section = configuration.GetSection(Section);
        string[] keys = [nameof(Port), nameof(Address), nameof(Token)];
        foreach (IConfigurationSection child in section.GetChildren())
        {
            if (!keys.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                throw new DashboardException($"{child.Path} is not an Orleans Dashboard setting: the keys are {string.Join(", ", keys)}.");
            }
        }

        var options = new OrleansDashboardOptions();
        if (section[nameof(Port)] is { Length: > 0 } port)
        {
            options.Port = DashboardOptions.ParsePort(port, $"{Section}:Port");
        }

        if (section[nameof(Address)] is { Length: > 0 } address)
        {
            options.Address = DashboardOptions.ParseAddress(address, $"{Section}:Address");
        }

        options.Token = section[nameof(Token)] is { Length: > 0 } token ? token : null;
        options.Validate();
        return options;
    }

    /// <summary>Checks the values together.</summary>
    /// <exception cref="DashboardException">A value is out of range, or the address needs a token.</exception>
    public void Validate()
    {
        if (Port is < 0 or > 65535)
        {
            throw new DashboardException($"{Section}:Port must be a port in 0..65535, was {Port}.");
        }

        if (Token is not null && (Token.Length < DashboardOptions.MinimumTokenLength || Token.Any(char.IsWhiteSpace)))
        {
            // The message never repeats the token.
            throw new DashboardException($"{Section}:Token must be at least {DashboardOptions.MinimumTokenLength} characters without white space (it was {Token.Length} characters).");
        }

        if (Enabled && !IPAddress.IsLoopback(Address) && Token is null)
        {
            throw new DashboardException(
                $"{Section}:Address is {Address}, beyond loopback: the Orleans Dashboard then requires a token ({Section}:Token, " +
                "or the environment variable OrleansML__OrleansDashboard__Token), which every request must present as 'Authorization: Bearer <token>' or '?token=<token>'.");
        }
    }
}
