using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using OrleansML.Grains.Hosting;
using OrleansML.Grains.Jobs;
using OrleansML.Grains.Shards;
using OrleansML.Learning.Storage;

namespace OrleansML.Training.Tests.TestSupport;

/// <summary>
/// In-process Orleans clusters (<see cref="InProcessTestCluster"/>: in-memory transport, in-process membership and
/// grain directory) whose silos host the training grains, as a production silo does after
/// <see cref="TrainingSiloBuilderExtensions.AddOrleansMLTraining"/>. What a test cluster adds, and why:
/// <list type="bullet">
/// <item>Grain storage "Default" (<see cref="SharedGrainStore"/>) and the reminder table
/// (<see cref="SharedReminderTable"/>) live in the test process, shared by all silos of the cluster, so that state
/// and reminders outlive a killed silo. Orleans' memory storage and in-memory reminders live in grains, which die
/// with the silo that hosts them.</item>
/// <item>Reminders may fire every second (<see cref="ReminderOptions.MinimumReminderPeriod"/>), so that a test can set
/// <see cref="TrainingJobOptions.ReminderPeriod"/> that low and see a job resume quickly.</item>
/// <item>One blob store (<see cref="LocalDirectoryBlobStore"/> in a fresh temp directory, deleted when the test process
/// exits) shared by all silos of the cluster, as a production cluster shares one container: checkpoints and datasets
/// outlive a killed silo, and tests never write into the user's data directory. <see cref="BlobStoreOf"/> returns it.</item>
/// <item>No log files: the harness' default writes one per silo.</item>
/// </list>
/// Reuse a deployed cluster across a test class (a class or collection fixture) and give every test its own job and
/// model names.
/// </summary>
public static class TrainingClusters
{
    /// <summary>
    /// Builds and deploys a cluster of <paramref name="silos"/> silos and its client, and waits until every silo sees
    /// the others (membership and cluster manifest); on failure nothing is left running. Silos started later
    /// (<see cref="InProcessTestCluster.StartAdditionalSiloAsync()"/>) get the same configuration and share the same
    /// storage and reminders.
    /// </summary>
    /// <param name="silos">Silos to start (1 or more).</param>
    /// <param name="configureJobs">Adjusts every silo's <see cref="TrainingJobOptions"/>.</param>
    /// <param name="configureShards">Adjusts every silo's <see cref="ParameterShardOptions"/>.</param>
    /// <param name="configure">Further configuration of the cluster (silos, client, hosts), applied after the
    /// defaults above, so it may replace them.</param>
    public static async Task<InProcessTestCluster> DeployAsync(
        int silos,
        Action<TrainingJobOptions>? configureJobs = null,
        Action<ParameterShardOptions>? configureShards = null,
        Action<InProcessTestClusterBuilder>? configure = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(silos, 1);
        var builder = new InProcessTestClusterBuilder(checked((short)silos));
        builder.Options.ConfigureFileLogging = false;
        var storage = new SharedGrainStore();
        var reminders = new SharedReminderTable();
        string blobDirectory = Path.Combine(Path.GetTempPath(), "orleansml-blobs-" + Guid.NewGuid().ToString("N")[..10]);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteQuietly(blobDirectory);
        var blobs = new LocalDirectoryBlobStore(blobDirectory);
        builder.ConfigureSilo((_, silo) =>
        {
            // Registered first: AddOrleansMLTraining keeps a store that is already registered.
            silo.Services.AddSingleton<IBlobStore>(blobs);
            silo.AddOrleansMLTraining(configureJobs, configureShards);
            silo.Services.AddGrainStorage(SharedGrainStore.StorageName, (services, _) =>
                storage.ForSilo(services.GetRequiredService<Serializer>(), services.GetRequiredService<IActivatorProvider>()));
            silo.AddReminders();
            silo.Services.AddSingleton<IReminderTable>(reminders);
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        });
        configure?.Invoke(builder);

        InProcessTestCluster cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
            // Every silo sees every other active and knows its grain types: placement offers a silo only then.
            await cluster.WaitForLivenessToStabilizeAsync();
            await cluster.WaitForClusterManifestToStabilizeAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The blob store every silo of <paramref name="cluster"/> uses.</summary>
    public static IBlobStore BlobStoreOf(InProcessTestCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return cluster.Silos[0].ServiceProvider.GetRequiredService<IBlobStore>();
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Never created, or a file still open: the temp directory is cleaned eventually.
        }
    }
}
