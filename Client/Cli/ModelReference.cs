namespace OrleansML.Cli;

/// <summary>A model named on the command line as <c>name</c> (the newest version) or <c>name:version</c>.</summary>
internal readonly record struct ModelReference(string Name, int Version)
{
    /// <exception cref="CliException">The text is not of that form (exit 2).</exception>
    public static ModelReference Parse(string text, string flag)
    {
        string[] parts = (text ?? "").Split(':');
        int version = 0;
        if (parts.Length > 2 || parts[0].Length == 0
            || (parts.Length == 2 && (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out version) || version < 1)))
        {
            throw new CliException(ExitCodes.BadUsage, $"{flag}: '{text}' must be <name> or <name>:<version> with a version of 1 or more.");
        }

        return new ModelReference(parts[0], version);
    }

    public override string ToString() => Version == 0 ? Name : string.Create(CultureInfo.InvariantCulture, $"{Name}:{Version}");
}
