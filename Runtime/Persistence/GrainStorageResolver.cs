using Microsoft.Extensions.DependencyInjection;

namespace OrleansML.Runtime.Persistence;

/// <summary>Finds a named grain storage provider (the <c>storageName</c> of <see cref="PersistentStateAttribute"/>).</summary>
internal interface IGrainStorageResolver
{
    /// <summary>The provider registered as <paramref name="storageName"/>; throws a clear error when none is.</summary>
    IGrainStorage GetStorage(string storageName);
}

/// <summary>Resolves providers registered as keyed <see cref="IGrainStorage"/> services (any provider, including users' own).</summary>
internal sealed class GrainStorageResolver(IServiceProvider services) : IGrainStorageResolver
{
    private readonly IServiceProvider _services = services ?? throw new ArgumentNullException(nameof(services));

    public IGrainStorage GetStorage(string storageName)
    {
        ArgumentException.ThrowIfNullOrEmpty(storageName);
        return _services.GetKeyedService<IGrainStorage>(storageName)
            ?? throw new InvalidOperationException(
                $"No grain storage provider named '{storageName}' is registered. Register one with services.AddMemoryGrainStorage(\"{storageName}\"), services.AddFileGrainStorage(\"{storageName}\", directory) or services.AddKeyedSingleton<IGrainStorage>(\"{storageName}\", ...).");
    }
}
