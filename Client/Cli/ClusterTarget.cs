using System.Net;
using Npgsql;

namespace OrleansML.Cli;

/// <summary>
/// A running cluster the CLI connects to as an Orleans client: through gateways listed by address (static
/// clustering, for silos on this machine or known hosts) or through the gateways PostgreSQL lists (ADO.NET
/// clustering, as the silos use). <see cref="ToString"/> describes it without secrets.
/// </summary>
internal sealed class ClusterTarget
{
    private ClusterTarget(string clusterId, string serviceId, IReadOnlyList<IPEndPoint> gateways, string? postgres, string? invariant)
    {
        ClusterId = clusterId;
        ServiceId = serviceId;
        Gateways = gateways;
        PostgreSqlConnectionString = postgres;
        Invariant = invariant;
    }

    public string ClusterId { get; }

    public string ServiceId { get; }

    /// <summary>Static gateways; empty when PostgreSQL lists them.</summary>
    public IReadOnlyList<IPEndPoint> Gateways { get; }

    /// <summary>The Npgsql connection string of ADO.NET clustering, or null. A secret: never printed.</summary>
    public string? PostgreSqlConnectionString { get; }

    /// <summary>The ADO.NET invariant (Npgsql).</summary>
    public string? Invariant { get; }

    /// <summary>TLS to the gateways (<c>OrleansML:Tls</c> from the settings file or environment), or null when off.
    /// Its certificates are loaded already.</summary>
    public Action<Orleans.Connections.Security.TlsOptions>? Tls { get; set; }

    public static ClusterTarget ForGateways(string clusterId, string serviceId, IReadOnlyList<IPEndPoint> gateways) =>
        new(clusterId, serviceId, gateways, null, null);

    public static ClusterTarget ForPostgreSql(string clusterId, string serviceId, string connectionString, string invariant) =>
        new(clusterId, serviceId, [], connectionString, invariant);

    /// <summary>"cluster 'x' through gateways 127.0.0.1:30000" or "cluster 'x' through PostgreSQL host h, port p, database d".</summary>
    public override string ToString() => PostgreSqlConnectionString is null
        ? $"cluster '{ClusterId}' through gateway{(Gateways.Count == 1 ? "" : "s")} {string.Join(", ", Gateways)}"
        : $"cluster '{ClusterId}' through PostgreSQL {DescribePostgreSql(PostgreSqlConnectionString)}";

    /// <summary>Host, port and database of a connection string, never its password; a malformed one is "(malformed)".</summary>
    internal static string DescribePostgreSql(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return $"host {builder.Host ?? "(none)"}, port {builder.Port}, database {builder.Database ?? builder.Username ?? "(default)"}";
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or KeyNotFoundException or InvalidCastException)
        {
            return "(malformed connection string)";
        }
    }
}
