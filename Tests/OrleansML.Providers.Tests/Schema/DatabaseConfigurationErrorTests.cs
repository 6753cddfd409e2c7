using Npgsql;
using OrleansML.Grains.Hosting.Database;

namespace OrleansML.Providers.Tests.Schema;

/// <summary>Each way a database setting can be wrong gets a typed error that names it, and never the password.</summary>
public sealed class DatabaseConfigurationErrorTests
{
    private const string MalformedPassword = "pa55-in-a-malformed-string";

    [Theory]
    [InlineData("Host=127.0.0.1;Prot=5432;Password=" + MalformedPassword, "keyword 'Prot'")]
    [InlineData("Host=127.0.0.1;Port=notaport;Password=" + MalformedPassword, "keyword 'Port'")]
    [InlineData("Host=127.0.0.1;Password='" + MalformedPassword, "keyword=value pairs")]
    [InlineData("Port=5432;Database=orleansml;Password=" + MalformedPassword, "names no Host")]
    public async Task A_malformed_connection_string_is_named_without_its_password(string connectionString, string expected)
    {
        var refused = await Assert.ThrowsAsync<DatabaseConfigurationException>(
            () => PostgreSqlSchema.CheckAsync(connectionString, CancellationToken.None));

        Assert.Equal(DatabaseProblem.MalformedConnectionString, refused.Problem);
        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(MalformedPassword, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_closed_port_is_reported_as_an_unreachable_server()
    {
        var port = FreePorts.Take(1)[0];
        var connectionString = new NpgsqlConnectionStringBuilder(TestServices.PostgreSql) { Port = port, Timeout = 5 }.ConnectionString;

        var refused = await Assert.ThrowsAsync<DatabaseConfigurationException>(
            () => PostgreSqlSchema.ApplyAsync(connectionString, CancellationToken.None));

        Assert.Equal(DatabaseProblem.ServerUnreachable, refused.Problem);
        Assert.Contains($"host 127.0.0.1, port {port}", refused.Message, StringComparison.Ordinal);
        Assert.Contains("connection refused", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(TestPasswords.Real, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_is_reported_as_failed_authentication_without_either_password()
    {
        var wrong = $"wrong-{Guid.NewGuid():N}";
        var builder = new NpgsqlConnectionStringBuilder(TestServices.PostgreSql) { Password = wrong };

        var refused = await Assert.ThrowsAsync<DatabaseConfigurationException>(
            () => PostgreSqlSchema.CheckAsync(builder.ConnectionString, CancellationToken.None));

        Assert.Equal(DatabaseProblem.AuthenticationFailed, refused.Problem);
        Assert.Contains($"user {builder.Username}", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(TestPasswords.Real, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_database_is_named()
    {
        var missing = $"orleansml_missing_{Guid.NewGuid():N}";
        var connectionString = new NpgsqlConnectionStringBuilder(TestServices.PostgreSql) { Database = missing }.ConnectionString;

        var refused = await Assert.ThrowsAsync<DatabaseConfigurationException>(
            () => PostgreSqlSchema.CheckAsync(connectionString, CancellationToken.None));

        Assert.Equal(DatabaseProblem.DatabaseMissing, refused.Problem);
        Assert.Contains($"no database '{missing}'", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(TestPasswords.Real, refused.Message, StringComparison.Ordinal);
    }
}
