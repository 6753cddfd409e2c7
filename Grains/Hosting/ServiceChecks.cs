using System.Text.RegularExpressions;
using Azure;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using OrleansML.Grains.Hosting.Database;
using OrleansML.Grains.Hosting.Storage;

namespace OrleansML.Grains.Hosting;

/// <summary>
/// The services a silo's providers name, checked before Orleans starts: PostgreSQL for ADO.NET clustering, reminders
/// and storage (reachable, OrleansML's schema present), Azure Blob storage (a well-formed connection string, an
/// account that answers and accepts its key), and the state directory of directory storage (writable).
/// </summary>
internal static partial class ServiceChecks
{
    private const string AdoNet = "AdoNet";
    private const string AzureBlob = "AzureBlobStorage";
    private static readonly TimeSpan s_azureTimeout = TimeSpan.FromSeconds(10);

    public static async Task RunAsync(ProviderSettings settings, CancellationToken cancellationToken)
    {
        var checkedConnections = new HashSet<string>(StringComparer.Ordinal);
        var sections = new List<IConfigurationSection>();
        sections.AddRange(new[] { settings.Clustering, settings.Reminders }.OfType<IConfigurationSection>());
        sections.AddRange(settings.GrainStorages);
        foreach (IConfigurationSection section in sections)
        {
            string provider = ProviderSettings.ProviderTypeOf(section);
            if (provider.Equals(AdoNet, StringComparison.OrdinalIgnoreCase))
            {
                await CheckPostgreSqlAsync(settings, section, checkedConnections, cancellationToken);
            }
            else if (provider.Equals(AzureBlob, StringComparison.OrdinalIgnoreCase))
            {
                await CheckAzureBlobAsync(settings, section, cancellationToken);
            }
            else if (provider.Equals(DirectoryGrainStorageExtensions.ProviderType, StringComparison.OrdinalIgnoreCase))
            {
                CheckWritable(section["Directory"], $"{section.Path}:Directory");
            }
        }

        if (settings.DefaultStorage is null)
        {
            string dataDirectory;
            try
            {
                dataDirectory = settings.DataDirectory;
            }
            catch (InvalidOperationException exception)
            {
                throw SiloStartupChecks.Invalid(exception.Message, exception);
            }

            CheckWritable(Path.Combine(dataDirectory, LocalDataDirectory.GrainStateFolder), "OrleansML:DataDirectory");
        }
    }

    private static async Task CheckPostgreSqlAsync(ProviderSettings settings, IConfigurationSection section, HashSet<string> checkedConnections, CancellationToken cancellationToken)
    {
        string key = ProviderSettings.ConnectionKeyOf(section);
        string? invariant = section["Invariant"];
        if (!string.IsNullOrWhiteSpace(invariant) && !invariant.Equals(ProviderSettings.PostgreSqlInvariant, StringComparison.Ordinal))
        {
            throw SiloStartupChecks.Invalid($"{section.Path}:Invariant is '{invariant}'; OrleansML supports PostgreSQL only, with the invariant '{ProviderSettings.PostgreSqlInvariant}' (the default when unset).");
        }

        string connectionString = settings.ConnectionStringOf(section)
            ?? throw SiloStartupChecks.Invalid($"{section.Path} chooses ProviderType {AdoNet} but names no database: set {section.Path}:ConnectionString (an Npgsql connection string, e.g. \"Host=db;Port=5432;Database=orleansml;Username=orleansml;Password=...\") or ConnectionName.");
        if (!checkedConnections.Add(connectionString))
        {
            return;
        }

        try
        {
            await PostgreSqlSchema.RequireCompleteAsync(connectionString, cancellationToken);
        }
        catch (DatabaseConfigurationException exception)
        {
            SiloStartupProblem problem = exception.Problem == DatabaseProblem.ServerUnreachable
                ? SiloStartupProblem.ServiceUnavailable
                : SiloStartupProblem.InvalidConfiguration;
            throw new SiloStartupException(problem, $"{key}: {exception.Message}", exception);
        }
    }

    private static async Task CheckAzureBlobAsync(ProviderSettings settings, IConfigurationSection section, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(section["ServiceKey"]))
        {
            return; // the client comes from the application's own service registrations, which we cannot see here
        }

        string key = ProviderSettings.ConnectionKeyOf(section);
        string connectionString = settings.ConnectionStringOf(section)
            ?? throw SiloStartupChecks.Invalid($"{section.Path} chooses ProviderType {AzureBlob} but names no account: set {section.Path}:ConnectionString (an Azure Storage connection string or a blob service URI) or ConnectionName.");
        string container = string.IsNullOrWhiteSpace(section["ContainerName"]) ? "grainstate" : section["ContainerName"]!;
        if (!ContainerName().IsMatch(container) || container.Contains("--", StringComparison.Ordinal))
        {
            throw SiloStartupChecks.Invalid($"{section.Path}:ContainerName '{container}' is not a valid blob container name (3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit).");
        }

        var options = new BlobClientOptions();
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = s_azureTimeout;
        BlobServiceClient client;
        try
        {
            client = Uri.TryCreate(connectionString, UriKind.Absolute, out Uri? uri) && uri.Scheme is "http" or "https"
                ? new BlobServiceClient(uri, options)
                : new BlobServiceClient(connectionString, options);
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException or InvalidOperationException or UriFormatException)
        {
            // The parser's own message may quote the string, and with it the account key: describe the problem instead.
            throw SiloStartupChecks.Invalid($"{key} is not a valid Azure Storage connection string (expected \"DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...\", optionally with BlobEndpoint=..., or a blob service URI).", exception);
        }

        string where = $"Azure Blob storage at {client.Uri.GetLeftPart(UriPartial.Path)} ({key})";
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(s_azureTimeout);
            await client.GetBlobContainerClient(container).ExistsAsync(timeout.Token);
        }
        catch (RequestFailedException exception) when (exception.Status is 401 or 403)
        {
            throw SiloStartupChecks.Invalid($"{where} refused the credentials: {exception.ErrorCode ?? exception.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)}. Check AccountName and AccountKey (or the SAS) in the connection string.", exception);
        }
        catch (RequestFailedException exception) when (exception.Status == 400 && exception.ErrorCode == "InvalidHeaderValue")
        {
            throw SiloStartupChecks.Invalid($"{where} rejected the storage API version the client sends (InvalidHeaderValue). Azurite must run with --skipApiVersionCheck, or be a version that supports it.", exception);
        }
        catch (RequestFailedException exception) when (exception.Status != 0)
        {
            throw new SiloStartupException(SiloStartupProblem.ServiceUnavailable, $"{where} answered HTTP {exception.Status} {exception.ErrorCode}.", exception);
        }
        catch (Exception exception) when (exception is RequestFailedException or HttpRequestException or AggregateException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            string reason = exception is OperationCanceledException ? $"no answer within {s_azureTimeout.TotalSeconds:0} s" : Innermost(exception).Message;
            throw new SiloStartupException(SiloStartupProblem.ServiceUnavailable, $"Cannot reach {where}: {reason}. Check that the service runs and that the endpoint is right.", exception);
        }
    }

    private static void CheckWritable(string? directory, string key)
    {
        if (string.IsNullOrWhiteSpace(directory))
        {
            throw SiloStartupChecks.Invalid($"{key} must name a directory for grain state files.");
        }

        try
        {
            Directory.CreateDirectory(directory);
            string probe = Path.Combine(directory, $".write-check-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw SiloStartupChecks.Invalid($"Cannot write grain state to '{directory}' ({key}): {exception.Message}", exception);
        }
    }

    private static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is not null)
        {
            exception = exception.InnerException;
        }

        return exception;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex ContainerName();
}
