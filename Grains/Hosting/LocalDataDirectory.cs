namespace OrleansML.Grains.Hosting;

/// <summary>
/// The directory where a silo with no grain storage configured (and the CLI's embedded cluster) keeps grain state:
/// <c>OrleansML:DataDirectory</c> when set, else <c>$XDG_DATA_HOME/orleansml</c> when that variable is an absolute
/// path (as the XDG base directory specification requires), else <c>~/.local/share/orleansml</c>. Grain state goes
/// to its <see cref="GrainStateFolder"/> subdirectory.
/// </summary>
public static class LocalDataDirectory
{
    /// <summary>The subdirectory of the data directory that holds grain state files.</summary>
    public const string GrainStateFolder = "grain-state";

    /// <summary>The default data directory for the process environment.</summary>
    public static string Default() => Default(Environment.GetEnvironmentVariable);

    /// <summary>The default data directory for the environment <paramref name="environment"/> describes.</summary>
    /// <exception cref="InvalidOperationException">Neither XDG_DATA_HOME nor a home directory is known.</exception>
    public static string Default(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string? dataHome = environment("XDG_DATA_HOME");
        if (!string.IsNullOrEmpty(dataHome) && Path.IsPathFullyQualified(dataHome))
        {
            return Path.Combine(dataHome, "orleansml");
        }

        string? home = environment("HOME");
        if (string.IsNullOrEmpty(home))
        {
            home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        }

        return string.IsNullOrEmpty(home)
            ? throw new InvalidOperationException("OrleansML:DataDirectory is not set and there is no default: neither XDG_DATA_HOME nor HOME is set.")
            : Path.Combine(home, ".local", "share", "orleansml");
    }
}
