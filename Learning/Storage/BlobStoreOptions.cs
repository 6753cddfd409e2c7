namespace OrleansML.Learning.Storage;

/// <summary>
/// Where a silo keeps its blobs (see <see cref="IBlobStore"/>). Every silo of a cluster must name the same store,
/// so that a grain reactivated on another silo finds its data.
/// </summary>
public sealed class BlobStoreOptions
{
    /// <summary>The container used when <see cref="Container"/> is not set: <c>orleansml</c>.</summary>
    public const string DefaultContainer = "orleansml";

    /// <summary>Which kind of store. Default <see cref="BlobStoreKind.Local"/>.</summary>
    public BlobStoreKind Kind { get; set; } = BlobStoreKind.Local;

    /// <summary>
    /// The directory of a <see cref="BlobStoreKind.Local"/> store. Default (null): <see cref="DefaultDirectory"/>,
    /// <c>$XDG_DATA_HOME/orleansml</c>, or <c>~/.local/share/orleansml</c> when XDG_DATA_HOME is not set.
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>
    /// The Azure Storage connection string of an <see cref="BlobStoreKind.Azure"/> store (required for it).
    /// A secret: it is never shown in messages, and this class's <see cref="ToString"/> leaves it out.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>The container of an <see cref="BlobStoreKind.Azure"/> store. Default <see cref="DefaultContainer"/>.</summary>
    public string Container { get; set; } = DefaultContainer;

    /// <summary>Retries, timeouts and upload blocks of an <see cref="BlobStoreKind.Azure"/> store.</summary>
    public AzureBlobStoreOptions Azure { get; set; } = new();

    /// <summary>
    /// The default directory of a local store: <c>$XDG_DATA_HOME/orleansml</c> when that variable holds an absolute
    /// path (as the XDG base directory specification requires), otherwise <c>~/.local/share/orleansml</c>; on
    /// Windows, <c>%LOCALAPPDATA%\orleansml</c>. Null when there is no home directory to put it in.
    /// </summary>
    public static string? DefaultDirectory() => DefaultDirectory(Environment.GetEnvironmentVariable);

    internal static string? DefaultDirectory(Func<string, string?> environment)
    {
        string? dataHome = environment("XDG_DATA_HOME");
        if (!string.IsNullOrEmpty(dataHome) && Path.IsPathFullyQualified(dataHome))
        {
            return Path.Combine(dataHome, "orleansml");
        }

        if (OperatingSystem.IsWindows())
        {
            string localData = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
            return localData.Length == 0 ? null : Path.Combine(localData, "orleansml");
        }

        string? home = environment("HOME");
        if (string.IsNullOrEmpty(home))
        {
            home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        }

        return string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".local", "share", "orleansml");
    }

    /// <summary>What is wrong with these options, one message per problem naming the option; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        switch (Kind)
        {
            case BlobStoreKind.Local:
                if (Directory is null && DefaultDirectory() is null)
                {
                    errors.Add("Directory is not set, and there is no default: neither XDG_DATA_HOME nor HOME is set.");
                }
                else if (Directory is not null && (string.IsNullOrWhiteSpace(Directory) || Directory.Contains('\0', StringComparison.Ordinal)))
                {
                    errors.Add("Directory is empty or not a valid path.");
                }

                break;
            case BlobStoreKind.Azure:
                if (string.IsNullOrWhiteSpace(ConnectionString))
                {
                    errors.Add("ConnectionString is required when Kind is Azure.");
                }
                else if (AzureConnectionString.Problem(ConnectionString) is { } problem)
                {
                    errors.Add($"ConnectionString is not valid: {problem}.");
                }

                if (AzureContainerName.Problem(Container) is { } containerProblem)
                {
                    errors.Add($"Container is not valid: {containerProblem}.");
                }

                if (Azure is null)
                {
                    errors.Add("Azure must not be null.");
                }
                else
                {
                    errors.AddRange(Azure.Validate().Select(error => "Azure." + error));
                }

                break;
            default:
                errors.Add($"Kind is {(int)Kind}; it must be Local or Azure.");
                break;
        }

        return errors;
    }

    /// <summary>Describes the options without the connection string.</summary>
    public override string ToString() => Kind == BlobStoreKind.Azure
        ? $"Azure container '{Container}' (connection string {(string.IsNullOrEmpty(ConnectionString) ? "not set" : "set, not shown")})"
        : $"local directory {Directory ?? DefaultDirectory() ?? "(no default)"}";
}
