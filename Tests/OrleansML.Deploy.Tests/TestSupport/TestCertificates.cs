using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansML.Deploy.Tests.TestSupport;

/// <summary>Self-signed certificates for TLS tests, written as a password-protected PFX and a PEM trust file.</summary>
internal static class TestCertificates
{
    /// <summary>A certificate for server and client authentication (what a silo presents to both ends).</summary>
    public static (string PfxPath, string Password, string PemPath) Create(string directory, string name)
    {
        using RSA key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.KeyCertSign, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(name);
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        string password = "pfx-" + Guid.NewGuid().ToString("N");
        string pfx = Path.Combine(directory, name + ".pfx");
        string pem = Path.Combine(directory, name + ".pem");
        File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pkcs12, password));
        File.WriteAllText(pem, certificate.ExportCertificatePem());
        return (pfx, password, pem);
    }
}
