using OrleansML.Tests.Shared;
using Npgsql;
using OrleansML.Training.Tests.Client.Support;
using static OrleansML.Training.Tests.TestSupport.CliRuns;

namespace OrleansML.Training.Tests.Client;

/// <summary>The CLI against a real PostgreSQL: a missing schema, <c>db init</c> and <c>db check</c>, and a schema
/// with no silo running.</summary>
public sealed class CliDatabaseTests
{
    [Fact]
    public async Task A_missing_schema_is_explained_db_init_creates_it_twice_harmlessly_and_then_no_silo_is_active()
    {
        string database = await TestServices.CreateDatabaseAsync();
        string password = new NpgsqlConnectionStringBuilder(database).Password!;
        var environment = new Dictionary<string, string?> { ["HOME"] = "/tmp", ["ORLEANSML_POSTGRES"] = database, ["ORLEANSML_CLUSTER_ID"] = "nobody" };

        (int missingCode, _, string missing) = await RunAsync(["cluster"], environment);
        (int checkCode, string checkedOutput, _) = await RunAsync(["db", "check"], environment);
        (int initCode, string initialized, string initError) = await RunAsync(["db", "init", "--connection", database], environment);
        (int againCode, _, string againError) = await RunAsync(["db", "init"], environment);
        (int completeCode, string complete, _) = await RunAsync(["db", "check"], environment);
        (int idleCode, _, string idle) = await RunAsync(["status", "some-job"], environment);

        Assert.True(missingCode == 2, missing);
        Assert.Contains("has no OrleansML schema. Create or update it with: orleansml db init --connection \"", missing, StringComparison.Ordinal);
        Assert.Contains("Password=<password>", missing, StringComparison.Ordinal);
        Assert.Equal(2, checkCode);
        Assert.Contains("is missing (none of its tables exist)", checkedOutput, StringComparison.Ordinal);
        Assert.True(initCode == 0, initError);
        Assert.Contains("the OrleansML schema is in place in PostgreSQL host 127.0.0.1", initialized, StringComparison.Ordinal);
        Assert.True(againCode == 0, againError);
        Assert.Equal(0, completeCode);
        Assert.Contains(" is complete", complete, StringComparison.Ordinal);
        Assert.True(idleCode == 3, idle);
        Assert.Contains("no silo of cluster 'nobody' is active", idle, StringComparison.Ordinal);
        Assert.DoesNotContain(password, missing + checkedOutput + initialized + complete + idle, StringComparison.Ordinal);
    }
}
