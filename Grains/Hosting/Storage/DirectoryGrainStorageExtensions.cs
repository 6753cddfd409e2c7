using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using OrleansML.Grains.Hosting.Storage;

[assembly: RegisterProvider(DirectoryGrainStorageExtensions.ProviderType, "GrainStorage", "Silo", typeof(DirectoryGrainStorageProviderBuilder))]

namespace OrleansML.Grains.Hosting.Storage;

/// <summary>Adds <see cref="DirectoryGrainStorage"/> to a silo.</summary>
public static class DirectoryGrainStorageExtensions
{
    /// <summary>The <c>ProviderType</c> that selects it in configuration: <c>Orleans:GrainStorage:&lt;name&gt;:ProviderType=Directory</c>.</summary>
    public const string ProviderType = "Directory";

    /// <summary>
    /// Adds a grain storage named <paramref name="name"/> that keeps state files in a local directory. Its serializer
    /// defaults to Orleans' binary <see cref="OrleansGrainStorageSerializer"/>; the options are validated when the
    /// storage is first resolved (at silo start).
    /// </summary>
    public static ISiloBuilder AddDirectoryGrainStorage(this ISiloBuilder builder, string name, Action<DirectoryGrainStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        IServiceCollection services = builder.Services;
        services.AddOptions<DirectoryGrainStorageOptions>(name).Configure(configure);
        services.AddSingleton<IPostConfigureOptions<DirectoryGrainStorageOptions>, BinarySerializerByDefault>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddGrainStorage(name, static (provider, storageName) => new DirectoryGrainStorage(
            storageName,
            provider.GetRequiredService<IOptionsMonitor<DirectoryGrainStorageOptions>>().Get(storageName),
            provider.GetRequiredService<IOptions<ClusterOptions>>().Value,
            provider.GetRequiredService<IActivatorProvider>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<DirectoryGrainStorage>>()));
        return builder;
    }

    /// <summary>A serializer chosen for the storage name wins (Orleans' keyed-serializer convention); else binary.</summary>
    private sealed class BinarySerializerByDefault(IServiceProvider services) : IPostConfigureOptions<DirectoryGrainStorageOptions>
    {
        public void PostConfigure(string? name, DirectoryGrainStorageOptions options) =>
            options.GrainStorageSerializer ??= (name is null ? null : services.GetKeyedService<IGrainStorageSerializer>(name))
                ?? new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>());
    }
}

/// <summary>
/// Configures <see cref="DirectoryGrainStorage"/> from <c>Orleans:GrainStorage:&lt;name&gt;</c> (<c>ProviderType=Directory</c>):
/// keys <c>Directory</c> (required), <c>LockTimeout</c>, <c>DeleteStateOnClear</c>.
/// </summary>
internal sealed class DirectoryGrainStorageProviderBuilder : IProviderBuilder<ISiloBuilder>
{
    public void Configure(ISiloBuilder builder, string? name, IConfigurationSection configurationSection)
    {
        string storageName = name ?? ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME;
        builder.AddDirectoryGrainStorage(storageName, options => configurationSection.Bind(options));
    }
}
