using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Networking.Shared;

namespace OrleansML.Grains.Hosting.Transport;

/// <summary>
/// Puts the transport chosen by <c>OrleansML:Transport:Kind</c> under Orleans' connection keys. Orleans resolves its
/// socket transport as keyed <see cref="IConnectionFactory"/> (silo to silo, client to gateway) and
/// <see cref="IConnectionListenerFactory"/> (silo and gateway endpoints) services whose keys are internal; this
/// replaces each registration that Orleans' own default services made, keeping its key, and leaves any other
/// (TestingHost's in-memory transport, for one) alone. Connection middleware such as TLS wraps the connection either way.
/// </summary>
public static class TransportHosting
{
    /// <summary>Uses the configured transport for this silo's silo-to-silo connections and its silo and gateway listeners.</summary>
    /// <exception cref="SiloStartupException">A setting under <c>OrleansML:Transport</c> is not valid; the message names it.</exception>
    public static ISiloBuilder UseOrleansMLTransport(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        Use(builder.Services, Check(builder.Configuration));
        return builder;
    }

    /// <summary>Reads <c>OrleansML:Transport</c> from a silo's configuration.</summary>
    /// <exception cref="SiloStartupException">A setting is not valid; the message names it.</exception>
    public static TransportSettings Check(IConfiguration configuration)
    {
        try
        {
            return TransportSettings.Load(configuration);
        }
        catch (InvalidOperationException exception)
        {
            throw SiloStartupChecks.Invalid(exception.Message, exception);
        }
    }

    /// <summary>Uses the transport that <paramref name="configuration"/> chooses for this client's gateway connections.</summary>
    /// <exception cref="InvalidOperationException">A setting under <c>OrleansML:Transport</c> is not valid; the message names it.</exception>
    public static IClientBuilder UseOrleansMLTransport(this IClientBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        Use(builder.Services, TransportSettings.Load(configuration));
        return builder;
    }

    /// <summary>Replaces Orleans' default socket registrations in <paramref name="services"/>; returns how many.</summary>
    internal static int Use(IServiceCollection services, TransportSettings settings)
    {
        if (settings.Kind == TransportKind.Orleans)
        {
            return 0;
        }

        services.AddSingleton(settings);
        services.AddSingleton<BulkTransport>();
        int replaced = 0;
        for (int i = 0; i < services.Count; i++)
        {
            ServiceDescriptor descriptor = services[i];
            if (!IsOrleansDefault(descriptor))
            {
                continue;
            }

            services[i] = descriptor.ServiceType == typeof(IConnectionFactory)
                ? ServiceDescriptor.KeyedSingleton<IConnectionFactory>(descriptor.ServiceKey,
                    static (provider, _) => new BulkConnectionFactory(provider.GetRequiredService<BulkTransport>()))
                : ServiceDescriptor.KeyedSingleton<IConnectionListenerFactory>(descriptor.ServiceKey,
                    static (provider, _) => new BulkConnectionListenerFactory(provider.GetRequiredService<BulkTransport>()));
            replaced++;
        }

        return replaced;
    }

    private static bool IsOrleansDefault(ServiceDescriptor descriptor)
    {
        if (!descriptor.IsKeyedService
            || (descriptor.ServiceType != typeof(IConnectionFactory) && descriptor.ServiceType != typeof(IConnectionListenerFactory)))
        {
            return false;
        }

        // Orleans registers its socket transport from Orleans.Core (clients) and Orleans.Runtime (silos).
        System.Reflection.Assembly? declaredIn = descriptor.KeyedImplementationFactory?.Method.DeclaringType?.Assembly;
        return declaredIn == typeof(SocketConnectionOptions).Assembly || declaredIn == typeof(ISiloBuilder).Assembly;
    }
}
