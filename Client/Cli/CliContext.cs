using OrleansML.Client;
using OrleansML.Runtime;
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
    /// <exception cref="CliException">None is configured, or it cannot be reached (exit 3).</exception>
    public async Task<OrleansMLClient> ConnectAsync(System.CommandLine.ParseResult parse, CancellationToken cancellationToken)
    {
        OrleansMLClientOptions options = Cluster.Resolve(parse, Environment)
            ?? throw new CliException(ExitCodes.ClusterUnreachable, ClusterConnection.NotConfiguredMessage);
        try
        {
            return await OrleansMLClient.ConnectAsync(options, cancellationToken);
        }
        catch (Exception exception) when (exception is GrainCallRejectedException or TimeoutException or IOException or System.Net.Sockets.SocketException)
        {
            throw new CliException(ExitCodes.ClusterUnreachable, $"cannot reach the cluster ({options}): {exception.Message}", exception);
        }
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
