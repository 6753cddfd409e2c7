using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansML.Grains.Jobs;
using OrleansML.Grains.Placement;
using OrleansML.Grains.Shards;
using OrleansML.Grains.Transfer;

namespace OrleansML.Grains.Hosting;

/// <summary>Adds OrleansML's training grains to an Orleans silo.</summary>
public static class TrainingSiloBuilderExtensions
{
    /// <summary>The configuration section holding the training options (<c>OrleansML:Jobs</c>, <c>OrleansML:Shards</c>, <c>OrleansML:Transfer</c>).</summary>
    public const string ConfigurationSection = "OrleansML";

    /// <summary>
    /// Registers what the training grains need in a silo: their placement, their options (bound from the
    /// <c>OrleansML</c> configuration section, then <paramref name="configureJobs"/> and
    /// <paramref name="configureShards"/>, and validated when the silo starts), the blob store for checkpoints, models
    /// and datasets (<c>OrleansML:BlobStore</c>, see <see cref="BlobStoreHosting"/>) and a <see cref="TimeProvider"/>.
    /// The grains keep their state in the grain storage named "Default" and their reminders in the silo's
    /// reminder service: configure both, as for any Orleans application, or call
    /// <see cref="OrleansMLSiloBuilderExtensions.UseOrleansMLProviders"/>, which chooses them from configuration.
    /// </summary>
    public static ISiloBuilder AddOrleansMLTraining(
        this ISiloBuilder builder,
        Action<TrainingJobOptions>? configureJobs = null,
        Action<ParameterShardOptions>? configureShards = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        IServiceCollection services = builder.Services;
        IConfigurationSection section = builder.Configuration.GetSection(ConfigurationSection);
        services.TryAddSingleton(TimeProvider.System);
        services.AddPlacementDirector<SpreadPlacement, SpreadPlacementDirector>();
        BlobStoreHosting.AddBlobStore(services, builder.Configuration);

        OptionsBuilder<TrainingJobOptions> jobs = services.AddOptions<TrainingJobOptions>().Bind(section.GetSection("Jobs"));
        if (configureJobs is not null)
        {
            jobs.Configure(configureJobs);
        }

        services.AddSingleton<IValidateOptions<TrainingJobOptions>>(new OptionsCheck<TrainingJobOptions>(o => o.Validate()));
        jobs.ValidateOnStart();

        OptionsBuilder<ParameterShardOptions> shards = services.AddOptions<ParameterShardOptions>().Bind(section.GetSection("Shards"));
        if (configureShards is not null)
        {
            shards.Configure(configureShards);
        }

        services.AddSingleton<IValidateOptions<ParameterShardOptions>>(new OptionsCheck<ParameterShardOptions>(o => o.Validate()));
        shards.ValidateOnStart();

        // Checked against Orleans' MaxMessageBodySize as configured, so the check sees the silo's final messaging options.
        services.AddOptions<TransferOptions>().Bind(section.GetSection(TransferOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TransferOptions>, TransferOptionsCheck>();
        return builder;
    }

    /// <summary>Runs an options class's own Validate method and reports its message as the failure.</summary>
    private sealed class OptionsCheck<TOptions>(Action<TOptions> validate) : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? name, TOptions options)
        {
            try
            {
                validate(options);
                return ValidateOptionsResult.Success;
            }
            catch (ArgumentException e)
            {
                return ValidateOptionsResult.Fail(e.Message);
            }
        }
    }
}
