namespace OrleansML.Deploy.Tests.Tls;

/// <summary>
/// OrleansML:Tls settings the silo host must refuse before it starts: exit code 2, one line naming the key, and never
/// the certificate password.
/// </summary>
public sealed class TlsSettingsTests
{
    [Theory]
    [InlineData("OrleansML:Tls: set either CertificatePath", "--OrleansML:Tls:Enabled", "true")]
    [InlineData("OrleansML:Tls:CertificatePath: cannot read '/nonexistent/cluster.pfx'", "--OrleansML:Tls:Enabled", "true", "--OrleansML:Tls:CertificatePath", "/nonexistent/cluster.pfx")]
    [InlineData("Certificat", "--OrleansML:Tls:Enabled", "true", "--OrleansML:Tls:Certificat", "/etc/cluster.pfx")]
    [InlineData("OrleansML:Tls:HandshakeTimeout", "--OrleansML:Tls:Enabled", "true", "--OrleansML:Tls:Thumbprint", "ab", "--OrleansML:Tls:HandshakeTimeout", "00:00:00")]
    public async Task Invalid_tls_settings_stop_the_host_naming_the_key(string message, params string[] arguments)
    {
        await SiloRun.AssertRefusedAsync(message, arguments);
    }

    [Fact]
    public async Task A_wrong_password_is_reported_without_the_password()
    {
        string directory = Directory.CreateTempSubdirectory("orleansml-tls-settings-").FullName;
        var certificate = TestCertificates.Create(directory, "orleansml-wrong-password");
        string wrong = "wrong-" + Guid.NewGuid().ToString("N");
        SiloRun.Outcome outcome = await SiloRun.RunAsync(
            "--OrleansML:Tls:Enabled", "true", "--OrleansML:Tls:CertificatePath", certificate.PfxPath, "--OrleansML:Tls:CertificatePassword", wrong);
        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains($"OrleansML:Tls:CertificatePath: '{certificate.PfxPath}' is not a PKCS#12 (.pfx) file that OrleansML:Tls:CertificatePassword opens", outcome.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, outcome.StandardError + outcome.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(certificate.Password, outcome.StandardError + outcome.StandardOutput, StringComparison.Ordinal);
    }
}
