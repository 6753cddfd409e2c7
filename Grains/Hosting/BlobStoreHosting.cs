using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OrleansML.Grains.Hosting;

/// <summary>
/// Registers the silo's <see cref="IBlobStore"/>: where shard checkpoints, saved models and dataset partitions
/// live, so that a grain reactivated on another silo finds them. Bound from <c>OrleansML:BlobStore</c>
/// (<see cref="BlobStoreOptions"/>); a local store with no directory set uses <c>&lt;OrleansML:DataDirectory&gt;/blobs</c>.
/// Every silo of a cluster, and every client that uploads data or reads models, must name the same store.
/// A store registered before this call (a user's own <see cref="IBlobStore"/>) is kept.
/// </summary>
internal static class BlobStoreHosting
{
    public const string Section = "BlobStore";

    /// <summary>The folder of the data directory that a local store uses by default.</summary>
    public const string LocalFolder = OrleansML.Learning.Models.OrleansMLModel.LocalBlobFolder;

    public static void AddBlobStore(IServiceCollection services, IConfiguration configuration)
    {
        var settings = new ProviderSettings(configuration);
        services.AddOptions<BlobStoreOptions>()
            .Bind(configuration.GetSection($"{ProviderSettings.OrleansMLSection}:{Section}"))
            .PostConfigure(options =>
            {
                if (options.Kind == BlobStoreKind.Local && string.IsNullOrWhiteSpace(options.Directory))
                {
                    options.Directory = Path.Combine(settings.DataDirectory, LocalFolder);
                }
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<BlobStoreOptions>, BlobStoreOptionsCheck>();
        services.TryAddSingleton(provider => BlobStore.Create(provider.GetRequiredService<IOptions<BlobStoreOptions>>().Value));
    }

    /// <summary>Reports every problem with the options, each naming its <c>OrleansML:BlobStore</c> key.</summary>
    private sealed class BlobStoreOptionsCheck : IValidateOptions<BlobStoreOptions>
    {
        public ValidateOptionsResult Validate(string? name, BlobStoreOptions options)
        {
            IReadOnlyList<string> errors = options.Validate();
            return errors.Count == 0
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(errors.Select(e => $"{ProviderSettings.OrleansMLSection}:{Section}: {e}"));
        }
    }
}
