using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansML.Runtime.Membership;
using OrleansML.Runtime.Persistence;
using OrleansML.Runtime.Reminders;
using OrleansML.Runtime.Transport;

namespace OrleansML.Runtime.Hosting;

/// <summary>
/// The default wiring of a silo: the TCP transport, the membership agent over a membership table (in memory
/// for one process, SQLite for processes on one machine), its reminder table, and grain storage.
/// </summary>
/// <remarks>
/// The cluster id, the cluster secret and the advertised host are set once, in <see cref="SiloOptions"/>;
/// the transport and clustering read them from there. A transport or clustering setting that names another
/// cluster id fails the start with a message naming both options.
/// </remarks>
public static class SiloBuilderExtensions
{
    /// <summary>
    /// Uses <c>TcpTransport</c>. Its <see cref="TransportOptions.ClusterId"/> and
    /// <see cref="TransportOptions.ClusterSecret"/> come from <see cref="SiloOptions"/> (leave them unset in
    /// <paramref name="configure"/>), and a wildcard <see cref="TransportOptions.ListenAddress"/> without an
    /// <see cref="TransportOptions.AdvertisedAddress"/> advertises <see cref="SiloOptions.AdvertisedHost"/>.
    /// <paramref name="configure"/> sets the rest: ports (default: any free loopback port), limits, timeouts.
    /// </summary>
    public static ISiloBuilder UseTcpTransport(this ISiloBuilder builder, Action<TransportOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        IServiceCollection services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(ITransport)))
        {
            throw new InvalidOperationException("A transport is already registered; call UseTcpTransport once per silo.");
        }

        services.TryAddSingleton(sp => new TcpTransport(
            CreateTransportOptions(sp.GetRequiredService<IOptions<SiloOptions>>().Value, configure),
            sp.GetRequiredService<ILogger<TcpTransport>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<IMeterFactory>()));
        services.AddSingleton<ITransport>(sp => sp.GetRequiredService<TcpTransport>());
        return builder;
    }

    /// <summary>
    /// Uses membership and reminder tables held in memory: give every silo of the process the same
    /// instances so they form one cluster. Registers the membership agent (failure detection per
    /// <see cref="MembershipOptions"/>; see <see cref="ConfigureMembership"/>).
    /// </summary>
    public static ISiloBuilder UseInMemoryClustering(this ISiloBuilder builder, InMemoryMembershipTable table, InMemoryReminderTable? reminders = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddInMemoryClustering(table, reminders);
        AddMembershipAgent(builder.Services);
        return builder;
    }

    /// <summary>
    /// Uses the SQLite file at <paramref name="databasePath"/> (created when missing) for membership and
    /// reminders: silo processes on one machine that name the same file form one cluster.
    /// <paramref name="clusterId"/> must equal <see cref="SiloOptions.ClusterId"/> (checked at start).
    /// </summary>
    public static ISiloBuilder UseSqliteClustering(this ISiloBuilder builder, string databasePath, string clusterId, Action<SqliteClusteringOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSqliteClustering(databasePath, clusterId, configure);
        builder.Services.AddSingleton<IValidateOptions<SiloOptions>>(new ClusterIdMatches("SqliteClusteringOptions.ClusterId", clusterId));
        AddMembershipAgent(builder.Services);
        return builder;
    }

    /// <summary>Sets the failure-detection options (<see cref="MembershipOptions.ForTesting"/> for tests).</summary>
    public static ISiloBuilder ConfigureMembership(this ISiloBuilder builder, Action<MembershipOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.ConfigureMembership(configure);
        return builder;
    }

    /// <summary>Adds an in-memory grain storage provider named <paramref name="name"/> (state dies with the process).</summary>
    public static ISiloBuilder AddMemoryGrainStorage(this ISiloBuilder builder, string name = "Default")
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMemoryGrainStorage(name);
        return builder;
    }

    /// <summary>Adds a shared grain storage instance under <paramref name="name"/> (silos of one process share state through it).</summary>
    public static ISiloBuilder AddGrainStorage(this ISiloBuilder builder, string name, IGrainStorage storage)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(storage);
        if (builder.Services.Any(d => d.IsKeyedService && d.ServiceType == typeof(IGrainStorage) && Equals(d.ServiceKey, name)))
        {
            throw new InvalidOperationException($"A grain storage provider named '{name}' is already registered; each name may be used once.");
        }

        builder.Services.AddKeyedSingleton(name, storage);
        return builder;
    }

    /// <summary>Adds a file-system grain storage provider named <paramref name="name"/> over <paramref name="directory"/>.</summary>
    public static ISiloBuilder AddFileGrainStorage(this ISiloBuilder builder, string name, string directory, Action<FileGrainStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddFileGrainStorage(name, directory, configure);
        return builder;
    }

    internal static TransportOptions CreateTransportOptions(SiloOptions silo, Action<TransportOptions>? configure)
    {
        var options = new TransportOptions();
        configure?.Invoke(options);
        if (options.ClusterId.Length > 0 && options.ClusterId != silo.ClusterId)
        {
            throw new OptionsValidationException(nameof(TransportOptions), typeof(TransportOptions),
                [$"TransportOptions.ClusterId ('{options.ClusterId}') differs from SiloOptions.ClusterId ('{silo.ClusterId}'): set the cluster id once, in SiloOptions."]);
        }

        if (options.ClusterSecret.Length > 0 && options.ClusterSecret != silo.ClusterSecret)
        {
            throw new OptionsValidationException(nameof(TransportOptions), typeof(TransportOptions),
                ["TransportOptions.ClusterSecret differs from SiloOptions.ClusterSecret: set the secret once, in SiloOptions."]);
        }

        options.ClusterId = silo.ClusterId;
        options.ClusterSecret = silo.ClusterSecret;
        bool wildcard = options.ListenAddress.Equals(IPAddress.Any) || options.ListenAddress.Equals(IPAddress.IPv6Any);
        if (wildcard && options.AdvertisedAddress is null)
        {
            options.AdvertisedAddress = IPAddress.Parse(silo.AdvertisedHost);
        }

        options.Validate();
        return options;
    }

    private static void AddMembershipAgent(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(IMembershipAgent)))
        {
            throw new InvalidOperationException("A membership agent is already registered; call one Use…Clustering method per silo.");
        }

        // The address exists only once the transport has bound (after the container is built): the agent
        // reads it at its join. The container disposes the agent once per registration (it is idempotent).
        services.AddSingleton(sp => new MembershipAgent(
            () => sp.GetRequiredService<ILocalSiloDetails>().SiloAddress,
            sp.GetRequiredService<IMembershipTable>(),
            sp.GetRequiredService<ISiloProber>(),
            sp.GetRequiredService<IOptions<MembershipOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<MembershipAgent>>(),
            sp.GetService<IMeterFactory>()));
        services.AddSingleton<IMembershipAgent>(sp => sp.GetRequiredService<MembershipAgent>());
    }

    private sealed class ClusterIdMatches(string optionName, string clusterId) : IValidateOptions<SiloOptions>
    {
        public ValidateOptionsResult Validate(string? name, SiloOptions options) => options.ClusterId == clusterId
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{optionName} ('{clusterId}') differs from SiloOptions.ClusterId ('{options.ClusterId}'): a silo serves one cluster.");
    }
}
