using System.Globalization;

namespace OrleansML.Cluster.Tests.TestSupport;

/// <summary>
/// The environment that configures one silo process: Orleans' own configuration keys (the <c>Orleans</c> section)
/// and OrleansML's (<c>OrleansML:Jobs</c>, <c>OrleansML:Shards</c>, <c>OrleansML:BlobStore</c>); nothing else reaches the silo.
/// </summary>
internal static class SiloEnvironment
{
    /// <summary>ADO.NET invariant of Npgsql.</summary>
    public const string Invariant = "Npgsql";

    public static Dictionary<string, string> For(ClusterIdentity cluster, string name, int siloPort, int gatewayPort, SiloTuning tuning)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Orleans__ClusterId"] = cluster.ClusterId,
            ["Orleans__ServiceId"] = cluster.ServiceId,
            ["Orleans__Name"] = name,
            ["Orleans__Endpoints__AdvertisedIPAddress"] = "127.0.0.1",
            ["Orleans__Endpoints__SiloPort"] = Text(siloPort),
            ["Orleans__Endpoints__GatewayPort"] = Text(gatewayPort),
            ["Orleans__Clustering__ProviderType"] = "AdoNet",
            ["Orleans__Clustering__Invariant"] = Invariant,
            ["Orleans__Clustering__ConnectionString"] = cluster.DatabaseConnectionString,
            ["Orleans__Reminders__ProviderType"] = "AdoNet",
            ["Orleans__Reminders__Invariant"] = Invariant,
            ["Orleans__Reminders__ConnectionString"] = cluster.DatabaseConnectionString,
            ["Orleans__GrainStorage__Default__ProviderType"] = "AzureBlobStorage",
            ["Orleans__GrainStorage__Default__ConnectionString"] = cluster.BlobConnectionString,
            ["Orleans__GrainStorage__Default__ContainerName"] = cluster.BlobContainer,
            // Checkpoints (and any blob: datasets) in the same Azurite container, as a production cluster shares one
            // store: a grain reactivated in another process reads them there, not in a local directory.
            ["OrleansML__BlobStore__Kind"] = "Azure",
            ["OrleansML__BlobStore__ConnectionString"] = cluster.BlobConnectionString,
            ["OrleansML__BlobStore__Container"] = cluster.BlobContainer,
        };

        if (tuning == SiloTuning.FastRecovery)
        {
            foreach ((string key, string value) in FastRecovery)
            {
                environment[key] = value;
            }
        }

        return environment;
    }

    /// <summary>
    /// Epoch retries after 1, 2, 3, 3, 3 s (12 s in all: a retry must outlast the time membership takes to declare a
    /// killed silo dead, about 1-2 s with OrleansML's shipped membership settings), worker run slices of 0.5 s and
    /// pulls that give up after 5 s. Membership keeps OrleansML's shipped settings (OrleansML:Membership), which
    /// already detect a crash in seconds. The job reminder keeps its shipped period of 1 minute: the silo host does
    /// not expose Orleans' ReminderOptions.MinimumReminderPeriod (1 minute), below which Orleans refuses to register
    /// a reminder.
    /// </summary>
    private static readonly Dictionary<string, string> FastRecovery = new(StringComparer.Ordinal)
    {
        ["OrleansML__Jobs__RetryDelay"] = "00:00:01",
        ["OrleansML__Jobs__MaxRetryDelay"] = "00:00:03",
        ["OrleansML__Jobs__WorkerRunSlice"] = "00:00:00.500",
        ["OrleansML__Shards__PullWaitTimeout"] = "00:00:05",
    };

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>What makes a test cluster its own: ids, database and blob container.</summary>
internal sealed record ClusterIdentity(string ClusterId, string ServiceId, string DatabaseConnectionString, string BlobConnectionString, string BlobContainer);
