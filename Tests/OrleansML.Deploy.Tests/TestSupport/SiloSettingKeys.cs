using System.Reflection;
using Orleans.Configuration;
using OrleansML.Learning.Storage;

namespace OrleansML.Deploy.Tests.TestSupport;

/// <summary>
/// Whether an environment variable a deployment file sets is a setting the silo host reads: a key of Orleans'
/// sections OrleansML uses, a property of the options class its section binds to (found by reflection, so a renamed
/// option breaks the deployment test), or a connection string a provider names.
/// </summary>
internal static class SiloSettingKeys
{
    private static readonly string[] s_providerKeys = ["ProviderType", "ConnectionName", "ConnectionString", "Invariant"];

    /// <summary>
    /// The silo host's executable, read as metadata only: loading it into this process would make Orleans' client
    /// here look for every application part the host references (the dashboard's assembly among them), which this
    /// test project does not ship.
    /// </summary>
    private static readonly Lazy<SiloMetadata> s_silo = new(() => new SiloMetadata(SiloProcess.ExecutablePath));

    /// <summary>Every problem with <paramref name="environment"/>'s keys (unknown keys, connection strings nothing names).</summary>
    public static List<string> Problems(IReadOnlyDictionary<string, string> environment, string where)
    {
        var problems = new List<string>();
        var named = environment.Where(e => e.Key.EndsWith("__ConnectionName", StringComparison.Ordinal)).Select(e => e.Value).ToHashSet(StringComparer.Ordinal);
        foreach (string key in environment.Keys)
        {
            string[] parts = key.Split("__");
            bool known = parts switch
            {
                ["Orleans", "ClusterId" or "ServiceId" or "Name"] => true,
                ["Orleans", "Endpoints", string property] => HasProperty(typeof(EndpointOptions), property),
                ["Orleans", "Clustering" or "Reminders", string property] => s_providerKeys.Contains(property),
                ["Orleans", "GrainStorage", "Default", string property] => s_providerKeys.Contains(property) || HasProperty(typeof(AzureBlobStorageOptions), property),
                ["ConnectionStrings", string name] => named.Contains(name),
                ["OrleansML", "DataDirectory"] => true,
                ["OrleansML", "BlobStore", string property] => HasProperty(typeof(BlobStoreOptions), property),
                ["OrleansML", "Tls", string property] => HasProperty(typeof(OrleansML.Security.TlsSettings), property),
                ["OrleansML", "Health", string property] => s_silo.Value.HasSettableProperty("OrleansML.Silo.Health", "HealthOptions", property),
                ["OrleansML", "Telemetry", string property] => s_silo.Value.HasSettableProperty("OrleansML.Silo.Telemetry", "TelemetryOptions", property),
                ["OrleansML", "OrleansDashboard", string property] => s_silo.Value.HasSettableProperty("OrleansML.Silo.Dashboard", "OrleansDashboardOptions", property),
                [var only] when only.StartsWith("OTEL_", StringComparison.Ordinal) => true, // OpenTelemetry's standard variables
                [var first, ..] when first.StartsWith("DOTNET_", StringComparison.Ordinal) => true,
                _ => false,
            };
            if (!known)
            {
                problems.Add($"{where}: {key} is not a setting the silo reads");
            }
        }

        return problems;
    }

    private static bool HasProperty(Type? type, string property) =>
        type?.GetProperty(property, BindingFlags.Public | BindingFlags.Instance) is { CanWrite: true };
}
