using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansML.Runtime.Activation;
using OrleansML.Runtime.Directory;
using OrleansML.Runtime.Invocation;
using OrleansML.Runtime.Membership;
using OrleansML.Runtime.Messaging;
using OrleansML.Runtime.Persistence;
using OrleansML.Runtime.Placement;
using OrleansML.Runtime.Reminders;
using OrleansML.Runtime.Serialization;

namespace OrleansML.Runtime.Hosting;

/// <summary>Fluent registration of a silo's grains and providers.</summary>
public interface ISiloBuilder
{
    /// <summary>The silo's services (register ITransport, IMembershipAgent, IGrainStorage, IReminderTable, filters here).</summary>
    IServiceCollection Services { get; }

    /// <summary>Registers the generated grains of <paramref name="assembly"/>.</summary>
    ISiloBuilder AddGrainAssembly(Assembly assembly);
}

/// <summary>Adds an OrleansML silo to a host's services.</summary>
public static class SiloServiceCollectionExtensions
{
    /// <summary>
    /// Adds the silo runtime. The transport and membership must be chosen too: the defaults are
    /// <see cref="SiloBuilderExtensions.UseTcpTransport"/> and <see cref="SiloBuilderExtensions.UseInMemoryClustering"/> or
    /// <see cref="SiloBuilderExtensions.UseSqliteClustering"/> (which also bring the reminder table); grain
    /// storage is added by name (<see cref="SiloBuilderExtensions.AddMemoryGrainStorage"/>, <see cref="SiloBuilderExtensions.AddFileGrainStorage"/>).
    /// </summary>
    public static ISiloBuilder AddOrleansMLSilo(this IServiceCollection services, Action<SiloOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<SiloOptions> options = services.AddOptions<SiloOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SiloOptions>, SiloOptionsValidator>());
        services.TryAddSingleton<LocalSiloDetails>();
        services.TryAddSingleton<ILocalSiloDetails>(sp => sp.GetRequiredService<LocalSiloDetails>());
        services.TryAddSingleton<IClusterMembershipView>(sp => sp.GetRequiredService<IMembershipAgent>());
        services.TryAddSingleton<PlacementHints>();
        services.TryAddSingleton<IGrainStorageResolver, GrainStorageResolver>();
        services.TryAddSingleton<IPersistentStateFactory, StoragePersistentStateFactory>();
        services.TryAddSingleton<RuntimeMetrics>();
        services.TryAddSingleton<ISerializationContext, SerializationContext>();
        services.TryAddSingleton(_ => new RequestPrototypes(
        [
            new RegisterActivationRequest(), new LookupActivationRequest(), new UnregisterActivationRequest(),
            new SiloProber.PingRequest(), new RemindersChangedRequest(), new ReceiveReminderRequest(),
            new Management.ActivationCountsRequest(),
        ]));
        services.TryAddSingleton<CallManager>();
        services.TryAddSingleton<MessageCenter>();
        services.TryAddSingleton<SystemTargetClient>();
        services.TryAddSingleton<ISiloProber, SiloProber>();
        services.TryAddSingleton<RingProvider>();
        services.TryAddSingleton(sp => new DirectoryPartition(sp.GetRequiredService<IClusterMembershipView>()));
        services.TryAddSingleton<GrainDirectory>();
        services.TryAddSingleton<PlacementService>();
        services.TryAddSingleton<GrainLocator>();
        services.TryAddSingleton<ForwardedCalls>();
        services.TryAddSingleton<RuntimeClient>();
        services.TryAddSingleton<IGrainCallInvoker>(sp => sp.GetRequiredService<RuntimeClient>());
        services.TryAddSingleton(sp => sp.GetRequiredService<RuntimeClient>().GrainFactory);
        services.TryAddSingleton<ActivationServices>();
        services.TryAddSingleton<Catalog>();
        services.TryAddSingleton<IncomingDispatcher>();
        services.TryAddSingleton<ActivationCollector>();
        services.TryAddSingleton<ReminderService>();
        services.TryAddSingleton<Management.CatalogStatistics>();
        services.TryAddSingleton<SiloHostedService>();
        services.AddHostedService(sp => sp.GetRequiredService<SiloHostedService>());
        return new SiloBuilder(services);
    }

    private sealed class SiloBuilder(IServiceCollection services) : ISiloBuilder
    {
        public IServiceCollection Services { get; } = services;

        public ISiloBuilder AddGrainAssembly(Assembly assembly)
        {
            GeneratedCodeRegistry.EnsureLoaded(assembly);
            return this;
        }
    }
}
