using Npgsql;

namespace OrleansML.Providers.Tests.TestSupport;

/// <summary>The test role's password, so that tests can assert no message ever contains it.</summary>
internal static class TestPasswords
{
    public static string Real
    {
        get
        {
            var password = new NpgsqlConnectionStringBuilder(TestServices.PostgreSql).Password;
            // An empty password would make every DoesNotContain assertion vacuous.
            return string.IsNullOrEmpty(password)
                ? throw new InvalidOperationException("ORLEANSML_TEST_POSTGRES has no Password; test.sh always sets one.")
                : password;
        }
    }
}
