using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Orleans.Connections.Security;

namespace OrleansML.Security;

/// <summary>
/// <c>OrleansML:Tls</c>: transport security between silos and between clients and gateways (Orleans'
/// Microsoft.Orleans.Connections.Security), shared by the silo host, the CLI's embedded cluster and every OrleansML
/// client so that both ends read the same keys. Off by default (the embedded, loopback-only mode); the files in
/// <c>deploy/</c> turn it on. Both ends present a certificate (mutual TLS) and accept a peer only if its certificate
/// chains to <see cref="TrustedCertificatePath"/> (or, when unset, to the machine's trust store).
/// </summary>
public sealed class TlsSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "OrleansML:Tls";

    /// <summary>Whether TLS is on. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>A PKCS#12 (.pfx) file holding this end's certificate and private key. Either this or a store lookup
    /// (<see cref="Thumbprint"/> or <see cref="Subject"/>).</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The password of <see cref="CertificatePath"/>. A secret: set it in the environment, never logged.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>The thumbprint of a certificate with its private key in the certificate store.</summary>
    public string? Thumbprint { get; set; }

    /// <summary>The subject name (as <see cref="X509FindType.FindBySubjectName"/> matches it) of a certificate in the
    /// store; the valid one expiring last is used.</summary>
    public string? Subject { get; set; }

    /// <summary>The store searched by <see cref="Thumbprint"/> or <see cref="Subject"/>. Default <c>My</c>.</summary>
    public StoreName StoreName { get; set; } = StoreName.My;

    /// <summary>Default <c>CurrentUser</c>.</summary>
    public StoreLocation StoreLocation { get; set; } = StoreLocation.CurrentUser;

    /// <summary>A PEM or DER file of the certificate authority (or authorities, PEM) that peers' certificates must chain
    /// to: a private cluster CA, or the cluster's self-signed certificate itself. Unset: the machine's trust store.
    /// Host names are not checked (silos connect to addresses); the chain is.</summary>
    public string? TrustedCertificatePath { get; set; }

    /// <summary>Whether a gateway demands a certificate from clients (mutual TLS). Default true.</summary>
    public bool RequireClientCertificate { get; set; } = true;

    /// <summary>Whether certificate revocation is checked (needs the CA's revocation endpoints). Default false.</summary>
    public bool CheckCertificateRevocation { get; set; }

    /// <summary>Longest TLS handshake. Default 10 s.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Reads <c>OrleansML:Tls</c> from <paramref name="configuration"/> (the root).</summary>
    /// <exception cref="InvalidOperationException">A key is unknown or a value does not parse, or
    /// <see cref="Validate"/> found a problem; the message names the key.</exception>
    public static TlsSettings Load(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = new TlsSettings();
        configuration.GetSection(Section).Bind(settings, binder => binder.ErrorOnUnknownConfiguration = true);
        IReadOnlyList<string> problems = settings.Validate();
        return problems.Count == 0 ? settings : throw new InvalidOperationException(string.Join(" ", problems));
    }

    /// <summary>
    /// Configures Orleans' <see cref="TlsOptions"/> for either end: this end's certificate, a certificate demanded
    /// from every peer (from clients too, unless <see cref="RequireClientCertificate"/> is false), and the peer
    /// accepted only by <see cref="IsTrusted"/>. Loads the certificate files now, so a bad file fails the start.
    /// </summary>
    public Action<TlsOptions> CreateConfiguration()
    {
        X509Certificate2 certificate = LoadCertificate();
        X509Certificate2Collection? trusted = LoadTrustedCertificates();
        return options =>
        {
            options.LocalCertificate = certificate;
            options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            options.ClientCertificateMode = RequireClientCertificate ? RemoteCertificateMode.RequireCertificate : RemoteCertificateMode.AllowCertificate;
            options.CheckCertificateRevocation = CheckCertificateRevocation;
            options.HandshakeTimeout = HandshakeTimeout;
            options.RemoteCertificateValidation = (remote, _, errors) => IsTrusted(remote, errors, trusted);
        };
    }

    /// <summary>Every problem with the settings, each naming its key; empty when valid or off.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!Enabled)
        {
            return problems;
        }

        int sources = (string.IsNullOrWhiteSpace(CertificatePath) ? 0 : 1) + (string.IsNullOrWhiteSpace(Thumbprint) && string.IsNullOrWhiteSpace(Subject) ? 0 : 1);
        if (sources != 1)
        {
            problems.Add($"{Section}: set either CertificatePath (a .pfx file, with CertificatePassword) or Thumbprint / Subject (a certificate in the {StoreLocation}/{StoreName} store), not {(sources == 0 ? "neither" : "both")}.");
        }

        if (HandshakeTimeout <= TimeSpan.Zero || HandshakeTimeout > TimeSpan.FromMinutes(5))
        {
            problems.Add($"{Section}:HandshakeTimeout must be above 0 and at most 00:05:00, was {HandshakeTimeout}.");
        }

        return problems;
    }

    /// <summary>This end's certificate, with its private key.</summary>
    /// <exception cref="InvalidOperationException">It cannot be loaded; the message names the key and file, never the password.</exception>
    public X509Certificate2 LoadCertificate()
    {
        X509Certificate2 certificate = string.IsNullOrWhiteSpace(CertificatePath) ? FromStore() : FromFile(CertificatePath);
        if (!certificate.HasPrivateKey)
        {
            throw new InvalidOperationException($"{Section}: the certificate {certificate.Subject} ({certificate.Thumbprint}) has no private key.");
        }

        return certificate;
    }

    /// <summary>The authorities peers must chain to, or null for the machine's trust store.</summary>
    /// <exception cref="InvalidOperationException">The file cannot be read; the message names the key.</exception>
    public X509Certificate2Collection? LoadTrustedCertificates()
    {
        if (string.IsNullOrWhiteSpace(TrustedCertificatePath))
        {
            return null;
        }

        try
        {
            var trusted = new X509Certificate2Collection();
            string text = File.ReadAllText(TrustedCertificatePath);
            if (text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
            {
                trusted.ImportFromPem(text);
            }
            else
            {
                trusted.Add(X509CertificateLoader.LoadCertificateFromFile(TrustedCertificatePath));
            }

            return trusted.Count > 0 ? trusted : throw new InvalidOperationException($"{Section}:TrustedCertificatePath '{TrustedCertificatePath}' holds no certificate.");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new InvalidOperationException($"{Section}:TrustedCertificatePath: cannot read a certificate from '{TrustedCertificatePath}': {exception.Message}", exception);
        }
    }

    /// <summary>
    /// Accepts a peer's certificate if it chains to <paramref name="trusted"/> (or, when null, the platform found no
    /// error but the host name, which identifies an address rather than the cluster) and is within its validity.
    /// </summary>
    public bool IsTrusted(X509Certificate2? certificate, SslPolicyErrors errors, X509Certificate2Collection? trusted)
    {
        if (certificate is null)
        {
            return false;
        }

        if (trusted is null)
        {
            return (errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) == SslPolicyErrors.None;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
        chain.ChainPolicy.RevocationMode = CheckCertificateRevocation ? X509RevocationMode.Online : X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    private X509Certificate2 FromFile(string path)
    {
        if (!File.Exists(path))
        {
            // The loader would report a missing file as a failed cryptographic operation.
            throw new InvalidOperationException($"{Section}:CertificatePath: cannot read '{path}': the file does not exist.");
        }

        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, CertificatePassword, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"{Section}:CertificatePath: cannot read '{path}': {exception.Message}", exception);
        }
        catch (CryptographicException exception)
        {
            // The runtime's message never quotes the password; say what to check.
            throw new InvalidOperationException($"{Section}:CertificatePath: '{path}' is not a PKCS#12 (.pfx) file that {Section}:CertificatePassword opens ({exception.Message}).", exception);
        }
    }

    private X509Certificate2 FromStore()
    {
        using var store = new X509Store(StoreName, StoreLocation);
        try
        {
            store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
        }
        catch (CryptographicException exception)
        {
            throw new InvalidOperationException($"{Section}: the certificate store {StoreLocation}/{StoreName} cannot be opened: {exception.Message}", exception);
        }

        X509Certificate2Collection found = string.IsNullOrWhiteSpace(Thumbprint)
            ? store.Certificates.Find(X509FindType.FindBySubjectName, Subject!, validOnly: false)
            : store.Certificates.Find(X509FindType.FindByThumbprint, Thumbprint.Replace(" ", "", StringComparison.Ordinal), validOnly: false);
        DateTime now = DateTime.Now;
        return found.Where(c => c.HasPrivateKey && c.NotBefore <= now && now <= c.NotAfter).OrderByDescending(c => c.NotAfter).FirstOrDefault()
            ?? throw new InvalidOperationException($"{Section}: no valid certificate with a private key matches {(string.IsNullOrWhiteSpace(Thumbprint) ? $"Subject '{Subject}'" : $"Thumbprint {Thumbprint}")} in the {StoreLocation}/{StoreName} store.");
    }
}
