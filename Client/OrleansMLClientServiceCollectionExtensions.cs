using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace OrleansML.Client;

/// <summary>Adds an <see cref="OrleansMLClient"/> to a service collection.</summary>
public static class OrleansMLClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="OrleansMLClient"/> as a singleton over the container's <see cref="IGrainFactory"/>. It
    /// composes with <c>UseOrleansClient</c> (the client reaches the cluster the Orleans client is configured for)
    /// and with <c>UseOrleans</c> (inside a silo it uses the silo's co-hosted client). The options are validated
    /// when the host starts; an invalid one fails the start with <see cref="OptionsValidationException"/>.
    /// </summary>
    public static IServiceCollection AddOrleansMLClient(this IServiceCollection services, Action<OrleansMLClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<OrleansMLClientOptions> options = services.AddOptions<OrleansMLClientOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OrleansMLClientOptions>, OptionsCheck>());
        options.ValidateOnStart();
        services.TryAddSingleton(provider => new OrleansMLClient(
            provider.GetRequiredService<IGrainFactory>(),
            provider.GetRequiredService<IOptions<OrleansMLClientOptions>>().Value,
            provider.GetService<TimeProvider>()));
        return services;
    }

    /// <summary>Reports <see cref="OrleansMLClientOptions.Validate"/>'s message as the validation failure.</summary>
    private sealed class OptionsCheck : IValidateOptions<OrleansMLClientOptions>
    {
        public ValidateOptionsResult Validate(string? name, OrleansMLClientOptions options)
        {
            try
            {
                options.Validate();
                return ValidateOptionsResult.Success;
            }
            catch (ArgumentException exception)
            {
                return ValidateOptionsResult.Fail(exception.Message);
            }
        }
    }
}
