using OrleansML.Dashboard;

namespace OrleansML.Cli;

/// <summary><c>dashboard</c>: serves the training page (live loss and accuracy curves, throughput, traffic, placement
/// and retries of every job) against the configured cluster until interrupted.</summary>
internal static class DashboardCommand
{
    /// <summary>The port when <c>--port</c> is not given.</summary>
    public const int DefaultPort = 8787;

    /// <summary>The environment variable that may carry the token (preferred to <c>--token</c>: a command line is
    /// visible to the machine's other users).</summary>
    public const string TokenVariable = "ORLEANSML_DASHBOARD_TOKEN";

    public static Command Create(CliContext context)
    {
        var port = new Option<int>("--port") { Description = $"The port to listen on (default {DefaultPort}; 0: one the system chooses).", DefaultValueFactory = _ => DefaultPort };
        var address = new Option<string>("--address") { Description = "The address to listen on (default 127.0.0.1). Any other address requires a token.", DefaultValueFactory = _ => "127.0.0.1" };
        var token = new Option<string?>("--token") { Description = $"The bearer token requests must present (at least {DashboardOptions.MinimumTokenLength} characters); required beyond loopback. Env {TokenVariable} (preferred)." };
        var command = new Command("dashboard", "Serve the training page for the configured cluster's jobs until interrupted (Ctrl+C).") { port, address, token };
        command.SetAction(async (parse, cancellationToken) =>
        {
            // Settings are checked before connecting: a mistake is reported at once, not after a cluster timeout.
            DashboardOptions options;
            try
            {
                options = new DashboardOptions
                {
                    Port = parse.GetValue(port),
                    Address = DashboardOptions.ParseAddress(parse.GetValue(address)!, "--address"),
                    Token = parse.GetValue(token) ?? (context.Environment.TryGetValue(TokenVariable, out string? fromEnvironment) && fromEnvironment is { Length: > 0 } ? fromEnvironment : null),
                };
                options.Validate(key => "--" + key.ToLowerInvariant());
            }
            catch (DashboardException exception)
            {
                throw new CliException(ExitCodes.BadUsage, exception.Message, exception);
            }

            await using ClusterSession session = await context.ConnectAsync(parse, cancellationToken);
            await using var server = new DashboardServer(session.Client, options);
            try
            {
                await server.StartAsync(cancellationToken);
            }
            catch (IOException exception)
            {
                throw new CliException(ExitCodes.BadUsage, $"cannot listen on {options.Address}:{options.Port}: {exception.Message}", exception);
            }

            context.Output.WriteLine($"training dashboard for {session.Description} at {server.Address}{(options.RequiresToken ? " (requests need the token: 'Authorization: Bearer <token>' or '?token=<token>')" : "")}; Ctrl+C stops it");
            context.Output.Flush();
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C is how the dashboard is meant to end.
            }

            await server.StopAsync(CancellationToken.None);
            return ExitCodes.Success;
        });
        return command;
    }
}
