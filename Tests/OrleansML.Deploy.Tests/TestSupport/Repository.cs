using System.Reflection;

namespace OrleansML.Deploy.Tests.TestSupport;

/// <summary>Paths in the repository this test build came from.</summary>
internal static class Repository
{
    public static string Root { get; } =
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    /// <summary>A file under <c>deploy/</c>.</summary>
    public static string Deploy(params string[] parts) => Path.Combine([Root, "deploy", .. parts]);

    /// <summary>The silo host's build output folder (what an operator installs as /opt/orleansml/silo).</summary>
    public static string SiloOutput => Path.GetDirectoryName(SiloProcess.ExecutablePath)!;
}
