namespace OrleansML.Providers.Tests.TestSupport;

/// <summary>How one in-process silo of a test is wired: its cluster, ports and where its providers keep data.</summary>
/// <param name="AdoNetMembership">
/// ADO.NET clustering and reminders on the database when true; development (localhost) clustering and no reminder
/// service when false, for tests that restart PostgreSQL and must not take membership down with it.
/// </param>
internal sealed record SiloPlan(
    string ClusterId,
    string ServiceId,
    string DatabaseConnectionString,
    string BlobContainer,
    int SiloPort,
    int GatewayPort,
    bool AdoNetMembership);
