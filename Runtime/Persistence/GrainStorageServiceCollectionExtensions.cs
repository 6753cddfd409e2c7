using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace OrleansML.Runtime.Persistence;

/// <summary>Registers named grain storage providers.</summary>
public static class GrainStorageServiceCollectionExtensions
{
    /// <summary>Adds an in-memory provider named <paramref name="name"/> (state is lost with the process).</summary>
    public static IServiceCollection AddMemoryGrainStorage(this IServiceCollection services, string name = "Default")
    {
        AddCommon(services, name);
        services.AddKeyedSingleton<IGrainStorage>(name, (_, _) => new MemoryGrainStorage());
        return services;
    }

    /// <summary>Adds a file-system provider named <paramref name="name"/> over <paramref name="directory"/>.</summary>
    public static IServiceCollection AddFileGrainStorage(this IServiceCollection services, string name, string directory, Action<FileGrainStorageOptions>? configure = null)
    {
        AddCommon(services, name);
        var options = new FileGrainStorageOptions { DirectoryPath = directory };
        configure?.Invoke(options);
        options.Validate();
        services.AddKeyedSingleton<IGrainStorage>(name, (provider, _) => new FileGrainStorage(
            options,
            provider.GetService<TimeProvider>() ?? TimeProvider.System,
            provider.GetService<ILogger<FileGrainStorage>>() ?? NullLogger<FileGrainStorage>.Instance));
        return services;
    }

    private static void AddCommon(IServiceCollection services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (services.Any(d => d.IsKeyedService && d.ServiceType == typeof(IGrainStorage) && Equals(d.ServiceKey, name)))
        {
            throw new InvalidOperationException($"A grain storage provider named '{name}' is already registered; each name may be used once.");
        }

        services.TryAddSingleton<IGrainStorageResolver, GrainStorageResolver>();
        services.TryAddSingleton<IPersistentStateFactory, StoragePersistentStateFactory>();
    }
}
