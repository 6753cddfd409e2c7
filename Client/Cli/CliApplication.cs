using System.Collections;
using System.CommandLine.Parsing;
using Orleans.Runtime.Messaging;

namespace OrleansML.Cli;

/// <summary>The <c>orleansml</c> command tree and its exit codes (<see cref="ExitCodes"/>).</summary>
internal static class CliApplication
{
    /// <summary>Runs the tool with the process environment; output is live when <paramref name="output"/> is
    /// the console and the console is a terminal.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default) =>
        RunAsync(args, output, error, ProcessEnvironment(), interactive: ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected, cancellationToken);

    /// <summary>Runs the tool with an explicit environment (tests).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, IReadOnlyDictionary<string, string?> environment, bool interactive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var context = new CliContext(output, error, environment, interactive);
        RootCommand root = BuildRoot(context);
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (ParseError parseError in parse.Errors)
            {
                error.WriteLine($"error: {parseError.Message}");
            }

            error.WriteLine("Run 'orleansml --help' or 'orleansml <command> --help' for usage.");
            return ExitCodes.BadUsage;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, cancellationToken);
        }
        catch (Exception exception)
        {
            (int code, string message) = Classify(exception);
            error.WriteLine($"error: {message}");
            return code;
        }
    }

    internal static RootCommand BuildRoot(CliContext context)
    {
        var root = new RootCommand("OrleansML: distributed training on Microsoft Orleans. Exit codes: 0 success, 1 job failed or cancelled (or the embedded cluster failed to start), 2 bad usage, invalid spec or configuration, 3 cannot reach the cluster or its database.");
        context.Cluster.AddTo(root);
        root.Subcommands.Add(TrainCommand.Create(context));
        foreach (Command command in JobCommands.Create(context))
        {
            root.Subcommands.Add(command);
        }

        root.Subcommands.Add(ModelCommands.CreatePredict(context));
        root.Subcommands.Add(ModelCommands.CreateExport(context));
        root.Subcommands.Add(ModelListCommand.Create(context));
        root.Subcommands.Add(ClusterCommand.Create(context));
        root.Subcommands.Add(DemoCommand.Create(context));
        root.Subcommands.Add(DbCommand.Create(context));
        root.Subcommands.Add(DashboardCommand.Create(context));
        return root;
    }

    /// <summary>The exit code and message for a command's failure.</summary>
    internal static (int Code, string Message) Classify(Exception exception) => exception switch
    {
        CliException cli => (cli.ExitCode, cli.Message),
        TrainingSpecException spec => (ExitCodes.BadUsage, $"invalid training spec: {spec.Message}"),
        KeyNotFoundException or ArgumentException => (ExitCodes.BadUsage, exception.Message),
        InvalidDataException => (ExitCodes.JobFailed, exception.Message),
        SiloUnavailableException or OrleansMessageRejectionException or ConnectionFailedException or GatewayTooBusyException or TimeoutException
            => (ExitCodes.ClusterUnreachable, $"the cluster did not answer: {exception.Message}"),
        OperationCanceledException => (ExitCodes.JobFailed, "interrupted. A job on a configured cluster keeps running: 'orleansml cancel <job>' stops it."),
        _ => (ExitCodes.JobFailed, exception.Message.Split('\n', 2)[0].TrimEnd()),
    };

    private static Dictionary<string, string?> ProcessEnvironment()
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = entry.Value as string;
        }

        return environment;
    }
}
