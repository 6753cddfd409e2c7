namespace OrleansML.Silo;

/// <summary>
/// The silo's settings: <c>appsettings.json</c> beside the executable (or the file <c>--config</c> names), then
/// environment variables (<c>Orleans__ClusterId=prod</c>: a double underscore separates sections), then command-line
/// settings (<c>--Orleans:ClusterId prod</c>); later sources win.
/// </summary>
internal static class SiloConfiguration
{
    /// <summary>The sections a command-line setting may name; anything else is refused, so a typo is never ignored.</summary>
    private static readonly string[] s_sections = ["Orleans:", "OrleansML:", "Logging:", "ConnectionStrings:"];

    /// <exception cref="SiloStartupException">An argument is unknown, or the settings file is missing or not JSON.</exception>
    public static IConfigurationRoot Build(string[] args)
    {
        (string? file, List<string> settings) = SplitArguments(args);
        var builder = new ConfigurationBuilder();
        if (file is not null)
        {
            string full = Path.GetFullPath(file);
            if (!File.Exists(full))
            {
                throw Invalid($"--config: the settings file '{file}' does not exist.");
            }

            builder.AddJsonFile(full, optional: false, reloadOnChange: false);
        }
        else
        {
            builder.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: false);
        }

        builder.AddEnvironmentVariables().AddCommandLine([.. settings]);
        try
        {
            return builder.Build();
        }
        catch (Exception exception) when (exception is InvalidDataException or FormatException or System.Text.Json.JsonException)
        {
            throw Invalid($"The settings file '{file ?? "appsettings.json"}' is not valid JSON: {exception.InnerException?.Message ?? exception.Message}", exception);
        }
    }

    private static (string? File, List<string> Settings) SplitArguments(string[] args)
    {
        string? file = null;
        var settings = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            (string key, string? value) = arg.Split('=', 2) is [var k, var v] ? (k, v) : (arg, null);
            if (value is null)
            {
                if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw Invalid($"'{arg}' needs a value: '{arg} <value>' or '{arg}=<value>'.");
                }

                value = args[++i];
            }

            if (key == "--config")
            {
                file = value;
            }
            else if (key.StartsWith("--", StringComparison.Ordinal) && s_sections.Any(s => key[2..].StartsWith(s, StringComparison.OrdinalIgnoreCase)))
            {
                settings.Add($"{key}={value}");
            }
            else
            {
                throw Invalid($"Unknown argument '{arg}'. Arguments are --config <file> and settings --<Section>:<Key> <value> in the sections Orleans, OrleansML, Logging and ConnectionStrings (e.g. --Orleans:Endpoints:SiloPort 11112).");
            }
        }

        return (file, settings);
    }

    private static SiloStartupException Invalid(string message, Exception? inner = null) =>
        new(SiloStartupProblem.InvalidConfiguration, message, inner);
}
