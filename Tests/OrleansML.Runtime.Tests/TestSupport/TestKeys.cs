namespace OrleansML.Runtime.Tests.TestSupport;

/// <summary>Grain keys unique to one test, so tests sharing a storage or table never see each other's grains.</summary>
internal static class TestKeys
{
    public static string Unique(string name) => $"{name}-{Guid.NewGuid():N}";
}
