using OrleansML.Grains.Hosting.Database;

namespace OrleansML.Cli;

/// <summary>
/// <c>db init</c> creates OrleansML's PostgreSQL schema (Orleans' ADO.NET clustering, reminders and storage tables
/// and queries) or brings it up to date; running it again is harmless. <c>db check</c> reports what is missing.
/// The database is <c>--connection</c>, else <c>--postgres</c> / <c>ORLEANSML_POSTGRES</c>, else the configured
/// ADO.NET clustering's connection string.
/// </summary>
internal static class DbCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("db", "Create or check OrleansML's PostgreSQL schema (clustering, reminders, grain storage).");
        command.Subcommands.Add(Subcommand(context, "init", "Create the schema, or update it (applying it twice is harmless).", async (connectionString, ct) =>
        {
            await PostgreSqlSchema.ApplyAsync(connectionString, ct);
            context.Output.WriteLine($"the OrleansML schema is in place in PostgreSQL {ClusterTarget.DescribePostgreSql(connectionString)}");
            return ExitCodes.Success;
        }));
        command.Subcommands.Add(Subcommand(context, "check", "Report whether the schema is complete (exit 2 when it is not).", async (connectionString, ct) =>
        {
            SchemaStatus status = await PostgreSqlSchema.CheckAsync(connectionString, ct);
            context.Output.WriteLine($"the OrleansML schema in PostgreSQL {ClusterTarget.DescribePostgreSql(connectionString)} is {status}");
            if (!status.IsComplete)
            {
                context.Error.WriteLine("error: create or update it with 'orleansml db init' (same connection settings).");
            }

            return status.IsComplete ? ExitCodes.Success : ExitCodes.BadUsage;
        }));
        return command;
    }

    private static Command Subcommand(CliContext context, string name, string description, Func<string, CancellationToken, Task<int>> run)
    {
        var connection = new Option<string?>("--connection")
        {
            Description = "An Npgsql connection string for a role that may create tables (default: --postgres, ORLEANSML_POSTGRES, or the configured clustering's).",
        };
        var command = new Command(name, description) { connection };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string connectionString = parse.GetValue(connection)
                ?? context.Cluster.ResolvePostgreSql(parse, context.Environment)
                ?? throw new CliException(ExitCodes.BadUsage,
                    "no PostgreSQL is named: pass --connection \"Host=...;Port=5432;Database=...;Username=...;Password=...\", or set ORLEANSML_POSTGRES.");
            try
            {
                return await run(connectionString, cancellationToken);
            }
            catch (DatabaseConfigurationException exception)
            {
                int code = exception.Problem == DatabaseProblem.ServerUnreachable ? ExitCodes.ClusterUnreachable : ExitCodes.BadUsage;
                throw new CliException(code, exception.Message, exception);
            }
        });
        return command;
    }
}
