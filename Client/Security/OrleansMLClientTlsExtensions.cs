using Microsoft.Extensions.Configuration;
using OrleansML.Security;

namespace OrleansML.Client.Security;

/// <summary>TLS from an Orleans client to the gateways of an OrleansML cluster that runs with <c>OrleansML:Tls</c>.</summary>
public static class OrleansMLClientTlsExtensions
{
    /// <summary>
    /// Reads <c>OrleansML:Tls</c> from <paramref name="configuration"/> (the same keys as the silos: this client's
    /// certificate, and the authority the gateways' certificates must chain to) and, when <c>Enabled</c>, turns on TLS
    /// for the client's gateway connections. Does nothing when TLS is off.
    /// </summary>
    /// <exception cref="InvalidOperationException">A setting is invalid or a certificate cannot be loaded; the
    /// message names the key, never the password.</exception>
    public static IClientBuilder UseOrleansMLTls(this IClientBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        TlsSettings settings = TlsSettings.Load(configuration);
        return settings.Enabled ? builder.UseTls(settings.CreateConfiguration()) : builder;
    }
}
