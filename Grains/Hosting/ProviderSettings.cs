using Microsoft.Extensions.Configuration;

namespace OrleansML.Grains.Hosting;

/// <summary>
/// Reads which Orleans providers a configuration chooses. Orleans binds these sections itself (its
/// <c>ProviderType</c> convention); OrleansML reads them to fill in defaults where they are absent and to check the
/// services they name before a silo starts.
/// </summary>
public sealed class ProviderSettings
{
    public const string OrleansSection = "Orleans";

    /// <summary>OrleansML's configuration section (training options, data directory, membership tuning).</summary>
    public const string OrleansMLSection = "OrleansML";

    public const string DefaultStorageName = "Default";

    /// <summary>The ClusterId and ServiceId used when the configuration sets none.</summary>
    public const string DefaultIdentity = "orleansml";

    /// <summary>The PostgreSQL ADO.NET invariant, the default when an AdoNet provider names none.</summary>
    public const string PostgreSqlInvariant = "Npgsql";

    private readonly IConfiguration _configuration;

    /// <summary>Reads <paramref name="configuration"/> (the root: it holds <c>Orleans</c> and <c>ConnectionStrings</c>).</summary>
    public ProviderSettings(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _configuration = configuration;
    }

    /// <summary><c>Orleans:Clustering</c>, or null when clustering is not configured (then: development clustering on loopback).</summary>
    public IConfigurationSection? Clustering => Existing($"{OrleansSection}:Clustering");

    /// <summary><c>Orleans:Reminders</c>, or null when reminders are not configured (then: in memory).</summary>
    public IConfigurationSection? Reminders => Existing($"{OrleansSection}:Reminders");

    /// <summary><c>Orleans:GrainStorage:Default</c>, or null when it is not configured (then: a local directory).</summary>
    public IConfigurationSection? DefaultStorage => Existing($"{OrleansSection}:GrainStorage:{DefaultStorageName}");

    public IEnumerable<IConfigurationSection> GrainStorages => _configuration.GetSection($"{OrleansSection}:GrainStorage").GetChildren();

    /// <summary><c>Orleans:Endpoints</c>.</summary>
    public IConfigurationSection Endpoints => _configuration.GetSection($"{OrleansSection}:Endpoints");

    /// <summary><c>Orleans:ClusterId</c>, or <see cref="DefaultIdentity"/>.</summary>
    public string ClusterId => NonEmpty(_configuration[$"{OrleansSection}:ClusterId"]) ?? DefaultIdentity;

    /// <summary><c>Orleans:ServiceId</c>, or <see cref="DefaultIdentity"/>.</summary>
    public string ServiceId => NonEmpty(_configuration[$"{OrleansSection}:ServiceId"]) ?? DefaultIdentity;

    /// <summary><c>OrleansML:DataDirectory</c>, or <see cref="LocalDataDirectory.Default()"/>.</summary>
    public string DataDirectory => NonEmpty(_configuration[$"{OrleansMLSection}:DataDirectory"]) ?? LocalDataDirectory.Default();

    /// <summary>The provider type a section names (Orleans' default name is "Default").</summary>
    public static string ProviderTypeOf(IConfigurationSection section) => NonEmpty(section["ProviderType"]) ?? "Default";

    /// <summary>
    /// The connection string a provider section names, as Orleans' provider builders resolve it: its
    /// <c>ConnectionString</c>, else the connection string called by its <c>ConnectionName</c>. Null when neither.
    /// </summary>
    public string? ConnectionStringOf(IConfigurationSection section) =>
        NonEmpty(section["ConnectionString"])
        ?? (NonEmpty(section["ConnectionName"]) is string name ? NonEmpty(_configuration.GetConnectionString(name)) : null);

    /// <summary>The configuration key a provider's connection string comes from, for messages.</summary>
    public static string ConnectionKeyOf(IConfigurationSection section) =>
        NonEmpty(section["ConnectionString"]) is null && NonEmpty(section["ConnectionName"]) is string name
            ? $"ConnectionStrings:{name} (named by {section.Path}:ConnectionName)"
            : $"{section.Path}:ConnectionString";

    private IConfigurationSection? Existing(string key) => _configuration.GetSection(key) is { } section && section.Exists() ? section : null;

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
