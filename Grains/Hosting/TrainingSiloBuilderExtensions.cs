using OrleansML.Runtime.Hosting;
using OrleansML.Runtime.Invocation;

namespace OrleansML.Grains.Hosting;

/// <summary>Adds the training grains to a silo.</summary>
public static class TrainingSiloBuilderExtensions
{
    /// <summary>The assembly holding the training grains (for <c>TestClusterOptions.GrainAssemblies</c> and the
    /// silo host's grain-assembly setting).</summary>
    public static System.Reflection.Assembly GrainAssembly => typeof(TrainingSiloBuilderExtensions).Assembly;

    /// <summary>Registers the training grains (shards, workers, jobs, the model registry) with the silo. Their
    /// state goes to the grain storage named "Default".</summary>
    public static ISiloBuilder AddOrleansMLTraining(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        GeneratedCodeRegistry.EnsureLoaded(GrainAssembly);
        GeneratedCodeRegistry.EnsureLoaded(typeof(GrainInterfaces.ShardLayout).Assembly);
        return builder;
    }
}
