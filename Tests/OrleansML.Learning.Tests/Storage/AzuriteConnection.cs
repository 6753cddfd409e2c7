namespace OrleansML.Learning.Tests.Storage;

/// <summary>The Azurite instance that ./test.sh starts for the Azure blob store tests.</summary>
internal static class AzuriteConnection
{
    public const string Variable = "ORLEANSML_TEST_AZURITE";

    /// <summary>The blob connection string; a missing variable fails the test (it is never skipped).</summary>
    public static string ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException(
            $"{Variable} is not set: these tests run against Azurite. Run ./test.sh, which starts Azurite and exports {Variable} (a blob connection string).");

    /// <summary>A container name no other test uses.</summary>
    public static string NewContainerName() => "test-" + Guid.NewGuid().ToString("N")[..24];
}
