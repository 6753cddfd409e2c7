namespace OrleansML.Cli;

/// <summary>The <c>orleansml</c> entry point.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) => RunAsync(args, Console.Out, Console.Error);

    /// <summary>Runs the tool in process (tests call this rather than spawning the executable).</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error) => CliApplication.RunAsync(args, output, error);
}
