using OrleansML.Grains.Hosting.Database;

namespace OrleansML.Providers.Tests.Schema;

/// <summary>The schema script on a real PostgreSQL: creation, idempotence, upgrade in place and status checks.</summary>
public sealed class PostgreSqlSchemaTests
{
    [Fact]
    public async Task The_schema_applies_to_a_fresh_database_and_again_to_the_same_one()
    {
        await using var database = await TemporaryDatabase.CreateAsync(withSchema: false);

        var before = await PostgreSqlSchema.CheckAsync(database.ConnectionString, CancellationToken.None);
        Assert.False(before.IsPresent);
        Assert.False(before.IsComplete);
        Assert.Equal(PostgreSqlSchema.RequiredObjects, before.MissingObjects);
        Assert.Equal(PostgreSqlSchema.RequiredQueryKeys, before.MissingQueryKeys);

        await PostgreSqlSchema.ApplyAsync(database.ConnectionString, CancellationToken.None);
        var applied = await PostgreSqlSchema.CheckAsync(database.ConnectionString, CancellationToken.None);
        Assert.True(applied.IsComplete, applied.ToString());

        // Data written between two applications must survive the second one.
        await database.ScalarAsync("INSERT INTO OrleansMembershipVersionTable (DeploymentId) VALUES ('kept')");
        await PostgreSqlSchema.ApplyAsync(database.ConnectionString, CancellationToken.None);

        var again = await PostgreSqlSchema.CheckAsync(database.ConnectionString, CancellationToken.None);
        Assert.True(again.IsPresent);
        Assert.True(again.IsComplete, again.ToString());
        Assert.Equal("complete", again.ToString());
        Assert.Equal(1L, await database.ScalarAsync("SELECT count(*) FROM OrleansMembershipVersionTable WHERE DeploymentId = 'kept'"));
        Assert.Equal((long)PostgreSqlSchema.RequiredQueryKeys.Count, await database.ScalarAsync("SELECT count(*) FROM OrleansQuery"));
        await PostgreSqlSchema.RequireCompleteAsync(database.ConnectionString, CancellationToken.None);
    }

    [Fact]
    public async Task Concurrent_applications_to_a_fresh_database_all_succeed()
    {
        await using var database = await TemporaryDatabase.CreateAsync(withSchema: false);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => PostgreSqlSchema.ApplyAsync(database.ConnectionString, CancellationToken.None))));

        Assert.True((await PostgreSqlSchema.CheckAsync(database.ConnectionString, CancellationToken.None)).IsComplete);
    }

    [Fact]
    public async Task A_query_key_deleted_by_hand_is_reported_by_name_until_the_schema_is_applied_again()
    {
        await using var database = await TemporaryDatabase.CreateAsync(withSchema: true);
        await database.ScalarAsync("DELETE FROM OrleansQuery WHERE QueryKey = 'UpdateMembershipKey'");

        var status = await PostgreSqlSchema.CheckAsync(database.ConnectionString, CancellationToken.None);
        Assert.True(status.IsPresent);
        Assert.False(status.IsComplete);
        Assert.Empty(status.MissingObjects);
        Assert.Equal(["UpdateMembershipKey"], status.MissingQueryKeys);
        Assert.Contains("UpdateMembershipKey", status.ToString(), StringComparison.Ordinal);

        var refused = await Assert.ThrowsAsync<DatabaseConfigurationException>(
            () => PostgreSqlSchema.RequireCompleteAsync(database.ConnectionString, CancellationToken.None));
        Assert.Equal(DatabaseProblem.SchemaIncomplete, refused.Problem);
        Assert.Contains("UpdateMembershipKey", refused.Message, StringComparison.Ordinal);
        Assert.Contains("orleansml db init --connection \"", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(TestPasswords.Real, refused.Message, StringComparison.Ordinal);

        await PostgreSqlSchema.ApplyAsync(database.ConnectionString, CancellationToken.None);
        Assert.True((await PostgreSqlSchema.CheckAsync(database.ConnectionString, CancellationToken.None)).IsComplete);
    }

    [Fact]
    public async Task A_dropped_table_is_reported_by_name()
    {
        await using var database = await TemporaryDatabase.CreateAsync(withSchema: true);
        await database.ScalarAsync("DROP TABLE OrleansRemindersTable");

        var status = await PostgreSqlSchema.CheckAsync(database.ConnectionString, CancellationToken.None);

        Assert.True(status.IsPresent);
        Assert.False(status.IsComplete);
        Assert.Equal(["OrleansRemindersTable"], status.MissingObjects);
        Assert.Empty(status.MissingQueryKeys);
    }

    [Fact]
    public async Task Applying_again_replaces_a_changed_query_text()
    {
        await using var database = await TemporaryDatabase.CreateAsync(withSchema: true);
        await database.ScalarAsync("UPDATE OrleansQuery SET QueryText = 'SELECT 1' WHERE QueryKey = 'WriteToStorageKey'");

        await PostgreSqlSchema.ApplyAsync(database.ConnectionString, CancellationToken.None);

        var text = (string?)await database.ScalarAsync("SELECT QueryText FROM OrleansQuery WHERE QueryKey = 'WriteToStorageKey'");
        Assert.Contains("NewGrainStateVersion", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_without_the_schema_is_refused_with_the_command_that_creates_it()
    {
        await using var database = await TemporaryDatabase.CreateAsync(withSchema: false);

        var refused = await Assert.ThrowsAsync<DatabaseConfigurationException>(
            () => PostgreSqlSchema.RequireCompleteAsync(database.ConnectionString, CancellationToken.None));

        Assert.Equal(DatabaseProblem.SchemaMissing, refused.Problem);
        Assert.Contains($"database {database.Name}", refused.Message, StringComparison.Ordinal);
        Assert.Contains("orleansml db init --connection \"", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Password=<password>", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(TestPasswords.Real, refused.Message, StringComparison.Ordinal);
    }
}
