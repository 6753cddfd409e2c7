namespace OrleansML.Cli;

/// <summary>A failure that ends the command with <see cref="ExitCode"/> and its message (no stack trace).</summary>
internal sealed class CliException : Exception
{
    public CliException(int exitCode, string message, Exception? innerException = null)
        : base(message, innerException) => ExitCode = exitCode;

    public CliException() : this(ExitCodes.BadUsage, "invalid usage") { }

    public CliException(string message) : this(ExitCodes.BadUsage, message) { }

    public CliException(string message, Exception innerException) : this(ExitCodes.BadUsage, message, innerException) { }

    public int ExitCode { get; }
}
