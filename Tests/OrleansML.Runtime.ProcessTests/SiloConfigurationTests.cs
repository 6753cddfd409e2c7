using OrleansML.Runtime.TestGrains;

namespace OrleansML.Runtime.ProcessTests;

/// <summary>The Silo executable refuses bad configuration with a clear message and exit code 2.</summary>
public sealed class SiloConfigurationTests
{
    [Theory]
    [InlineData("--silo-port", "70000", "SiloPort")]
    [InlineData("--membership", "postgres:x", "Membership")]
    [InlineData("--storage", "s3:bucket", "Storage")]
    [InlineData("--listen", "not-an-ip", "Listen")]
    [InlineData("--silo-prot", "1", "unknown argument '--silo-prot'")]
    [InlineData("--grain-assemblies", "No.Such.Assembly", "GrainAssemblies")]
    [InlineData("--inline-socket-completions", "sometimes", "InlineSocketCompletions (--inline-socket-completions) must be true or false")]
    public async Task Bad_setting_exits_with_code_2_naming_it(string flag, string value, string expected)
    {
        string secret = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(secret, "a-secret-of-enough-length-42");
            (int code, string output) = await SiloProcess.RunToExitAsync(["--secret-file", secret, flag, value], TimeSpan.FromSeconds(30));
            Assert.Equal(2, code);
            Assert.Contains(expected, output, StringComparison.Ordinal);
            Assert.DoesNotContain("silo ready", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Fact]
    public async Task Environment_variables_with_the_ORLEANSML_prefix_are_settings_and_flags_override_them()
    {
        var environment = new Dictionary<string, string>
        {
            ["ORLEANSML_CLUSTERSECRET"] = "environment-secret-0123456789",
            ["ORLEANSML_SILOPORT"] = "70000",
        };
        (int code, string output) = await SiloProcess.RunToExitAsync([], TimeSpan.FromSeconds(30), environment);
        Assert.Equal(2, code);
        Assert.Contains("SiloPort (--silo-port) must be a port in 0..65535 (0 = any free port), was '70000'", output, StringComparison.Ordinal);

        // The flag wins over the environment: the port is valid now and the next bad setting is reported instead.
        (code, output) = await SiloProcess.RunToExitAsync(["--silo-port", "0", "--storage", "nowhere"], TimeSpan.FromSeconds(30), environment);
        Assert.Equal(2, code);
        Assert.Contains("Storage (--storage)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("environment-secret-0123456789", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Short_secret_is_refused_without_printing_it()
    {
        string secret = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(secret, "short-Xy7");
            (int code, string output) = await SiloProcess.RunToExitAsync(["--secret-file", secret], TimeSpan.FromSeconds(30));
            Assert.Equal(2, code);
            Assert.Contains("cluster secret of at least 16 bytes", output, StringComparison.Ordinal);
            Assert.DoesNotContain("short-Xy7", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(secret);
        }
    }
}
