using OrleansML.Grains.Hosting;
using Spectre.Console;

namespace OrleansML.Cli;

/// <summary>What every command shares: its writers, the environment, the cluster flags, and the choice
/// between live terminal output and plain lines.</summary>
internal sealed class CliContext(TextWriter output, TextWriter error, IReadOnlyDictionary<string, string?> environment, bool interactive)
{
    private const int PlainWidth = 160;

    public TextWriter Output { get; } = output;

    public TextWriter Error { get; } = error;

    public IReadOnlyDictionary<string, string?> Environment { get; } = environment;

    /// <summary>Whether the output is a terminal (live progress, colours) rather than a file or pipe.</summary>
    public bool Interactive { get; } = interactive;

    public ClusterConnection Cluster { get; } = new();

    public IAnsiConsole Console { get; } = CreateConsole(output, interactive);

    public JobProgressView ProgressView() => new(Console, Output, Interactive);

    /// <summary>Connects to the configured cluster.</summary>
    /// <exception cref="CliException">None is configured, or it cannot be reached (exit 3), or it is named wrongly (exit 2).</exception>
    public async Task<ClusterSession> ConnectAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        ClusterTarget target = Cluster.Resolve(parse, Environment)
            ?? throw new CliException(ExitCodes.ClusterUnreachable, ClusterConnection.NotConfiguredMessage);
        return await RemoteCluster.ConnectAsync(target, cancellationToken);
    }

    /// <summary>
    /// Connects to the configured cluster, or when none is configured starts an embedded one of
    /// <paramref name="silos"/> silos on the data directory, saying so on <paramref name="notices"/>.
    /// </summary>
    public async Task<ClusterSession> ConnectOrEmbedAsync(ParseResult parse, int silos, TextWriter notices, CancellationToken cancellationToken)
    {
        if (Cluster.Resolve(parse, Environment) is ClusterTarget target)
        {
            return await RemoteCluster.ConnectAsync(target, cancellationToken);
        }

        string dataDirectory = Cluster.ResolveDataDirectory(parse, Environment);
        notices.WriteLine($"no cluster configured: starting an embedded cluster of {silos} silo{(silos == 1 ? "" : "s")} (state in {dataDirectory})");
        return await StartEmbeddedAsync(silos, dataDirectory, cancellationToken);
    }

    /// <summary>Starts an embedded cluster; a failure to start is exit 1 with the reason (exit 2 for bad settings).</summary>
    public static async Task<ClusterSession> StartEmbeddedAsync(int silos, string dataDirectory, CancellationToken cancellationToken)
    {
        EmbeddedCluster cluster;
        try
        {
            cluster = await EmbeddedCluster.StartAsync(silos, dataDirectory, cancellationToken);
        }
        catch (SiloStartupException exception)
        {
            int code = exception.IsConfigurationError ? ExitCodes.BadUsage : ExitCodes.JobFailed;
            throw new CliException(code, $"the embedded cluster did not start: {exception.Message}", exception);
        }

        string description = $"embedded cluster of {silos} silo{(silos == 1 ? "" : "s")} (state in {cluster.Storage})";
        return new ClusterSession(new OrleansMLClient(cluster.Client), description, embedded: true, cluster);
    }

    /// <summary>A terminal console, or for files and pipes one without ANSI codes and with a fixed, wide
    /// width (a pipe has none, and tables would otherwise wrap at 80 columns).</summary>
    private static IAnsiConsole CreateConsole(TextWriter output, bool interactive)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        if (!interactive)
        {
            console.Profile.Width = PlainWidth;
        }

        return console;
    }
}
