using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansML.Runtime.Reminders;

namespace OrleansML.Runtime.Membership;

/// <summary>
/// Registers a cluster's membership provider: the <see cref="IMembershipTable"/>, an
/// <see cref="IGatewayListProvider"/> over it, and the <see cref="IReminderTable"/> kept by the same
/// provider, plus validated <see cref="MembershipOptions"/> and <see cref="TimeProvider.System"/> if none is set.
/// </summary>
public static class ClusteringServiceCollectionExtensions
{
    /// <summary>
    /// Uses tables held in memory. Give every silo (and client) of the process the same instances, so
    /// they form one cluster; when <paramref name="reminders"/> is null the silo gets a table of its own.
    /// </summary>
    public static IServiceCollection AddInMemoryClustering(this IServiceCollection services, InMemoryMembershipTable table, InMemoryReminderTable? reminders = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        AddCommon(services);
        services.AddSingleton<IMembershipTable>(table);
        services.AddSingleton<IReminderTable>(reminders ?? new InMemoryReminderTable());
        return services;
    }

    /// <summary>
    /// Uses the SQLite file at <paramref name="databasePath"/> (created when missing) for cluster
    /// <paramref name="clusterId"/>: silo processes on one machine that name the same file and id form one cluster.
    /// </summary>
    public static IServiceCollection AddSqliteClustering(this IServiceCollection services, string databasePath, string clusterId, Action<SqliteClusteringOptions>? configure = null)
    {
        var options = new SqliteClusteringOptions { DatabasePath = databasePath, ClusterId = clusterId };
        configure?.Invoke(options);
        options.Validate();
        AddCommon(services);
        services.AddSingleton(options);
        services.AddSingleton<IMembershipTable>(provider => new SqliteMembershipTable(options, provider.GetService<TimeProvider>()));
        services.AddSingleton<IReminderTable>(_ => new SqliteReminderTable(options));
        return services;
    }

    /// <summary>Sets the failure-detection options (validated when first resolved; see <see cref="MembershipOptions"/>).</summary>
    public static IServiceCollection ConfigureMembership(this IServiceCollection services, Action<MembershipOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<MembershipOptions>().Configure(configure);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MembershipOptions>, MembershipOptionsValidator>());
        return services;
    }

    private static void AddCommon(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(IMembershipTable)))
        {
            throw new InvalidOperationException("A membership provider is already registered; call one Add…Clustering method per silo or client.");
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IGatewayListProvider, TableGatewayListProvider>();
        services.AddOptions<MembershipOptions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MembershipOptions>, MembershipOptionsValidator>());
    }

    private sealed class MembershipOptionsValidator : IValidateOptions<MembershipOptions>
    {
        public ValidateOptionsResult Validate(string? name, MembershipOptions options)
        {
            try
            {
                options.Validate();
                return ValidateOptionsResult.Success;
            }
            catch (OptionsValidationException ex)
            {
                return ValidateOptionsResult.Fail(ex.Failures);
            }
        }
    }
}
