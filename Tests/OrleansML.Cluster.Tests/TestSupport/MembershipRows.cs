namespace OrleansML.Cluster.Tests.TestSupport;

/// <summary>Reads the membership table straight from PostgreSQL, independent of any silo's view.</summary>
internal static class MembershipRows
{
    /// <summary>The status recorded for the newest silo of cluster <paramref name="clusterId"/> at
    /// <paramref name="port"/> (null: no such row).</summary>
    public static async Task<SiloStatus?> MembershipStatusAsync(this TemporaryDatabase database, string clusterId, int port) =>
        await database.ScalarAsync(
            "SELECT Status FROM OrleansMembershipTable WHERE DeploymentId = @cluster AND Port = @port ORDER BY Generation DESC LIMIT 1",
            ("cluster", clusterId),
            ("port", port)) is int status ? (SiloStatus)status : null;
}
