using System.CommandLine;
using OrleansML.Client;

namespace OrleansML.Cli;

/// <summary>
/// The flags and environment variables that name a cluster: <c>--gateway</c> (repeatable) or
/// <c>ORLEANSML_GATEWAYS</c> (comma-separated), <c>--membership-db</c> or <c>ORLEANSML_MEMBERSHIP_DB</c>,
/// <c>--cluster-id</c> or <c>ORLEANSML_CLUSTER_ID</c>, <c>--secret-file</c> or <c>ORLEANSML_SECRET_FILE</c>.
/// Flags win over the environment.
/// </summary>
internal sealed class ClusterConnection
{
    public const string NotConfiguredMessage =
        "no cluster is configured. Pass --gateway <silo address>@<gateway port> (repeatable; a silo prints it when ready) " +
        "or --membership-db <sqlite file>, with --cluster-id <id> and --secret-file <file>; or set ORLEANSML_GATEWAYS " +
        "(comma-separated) or ORLEANSML_MEMBERSHIP_DB, ORLEANSML_CLUSTER_ID and ORLEANSML_SECRET_FILE. " +
        "('train' and 'demo' run an embedded local cluster when none is configured.)";

    public Option<string[]> Gateway { get; } = new("--gateway") { Description = "A gateway silo, <silo address>@<gateway port> (repeatable). Env ORLEANSML_GATEWAYS.", Recursive = true };

    public Option<string?> MembershipDatabase { get; } = new("--membership-db") { Description = "The silos' SQLite membership file. Env ORLEANSML_MEMBERSHIP_DB.", Recursive = true };

    public Option<string?> ClusterId { get; } = new("--cluster-id") { Description = "The cluster id (default dev). Env ORLEANSML_CLUSTER_ID.", Recursive = true };

    public Option<string?> SecretFile { get; } = new("--secret-file") { Description = "File holding the cluster secret. Env ORLEANSML_SECRET_FILE.", Recursive = true };

    public void AddTo(Command root)
    {
        root.Options.Add(Gateway);
        root.Options.Add(MembershipDatabase);
        root.Options.Add(ClusterId);
        root.Options.Add(SecretFile);
    }

    /// <summary>The client options the flags and environment give, or null when they name no cluster.</summary>
    /// <exception cref="CliException">They name a cluster incompletely or wrongly (exit 2).</exception>
    public OrleansMLClientOptions? Resolve(ParseResult parse, IReadOnlyDictionary<string, string?> environment)
    {
        string[] gateways = parse.GetValue(Gateway) is { Length: > 0 } flags
            ? flags
            : (Env(environment, "ORLEANSML_GATEWAYS") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string? database = parse.GetValue(MembershipDatabase) ?? Env(environment, "ORLEANSML_MEMBERSHIP_DB");
        if (gateways.Length == 0 && database is null)
        {
            return null;
        }

        var options = new OrleansMLClientOptions
        {
            MembershipDatabase = database,
            ClusterId = parse.GetValue(ClusterId) ?? Env(environment, "ORLEANSML_CLUSTER_ID") ?? "dev",
            ClusterSecretFile = parse.GetValue(SecretFile) ?? Env(environment, "ORLEANSML_SECRET_FILE"),
        };
        foreach (string gateway in gateways)
        {
            options.Gateways.Add(gateway);
        }

        if (options.ClusterSecretFile is null)
        {
            throw new CliException(ExitCodes.BadUsage, "--secret-file (or ORLEANSML_SECRET_FILE) is required to connect to a cluster.");
        }

        try
        {
            options.Validate();
        }
        catch (ArgumentException exception)
        {
            throw new CliException(ExitCodes.BadUsage, exception.Message, exception);
        }

        return options;
    }

    private static string? Env(IReadOnlyDictionary<string, string?> environment, string name) =>
        environment.TryGetValue(name, out string? value) && !string.IsNullOrWhiteSpace(value) ? value : null;
}
