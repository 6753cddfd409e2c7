using Microsoft.Extensions.Configuration;
using OrleansML.Security;

namespace OrleansML.Grains.Hosting;

/// <summary>Turns on TLS between silos and from clients to gateways when <c>OrleansML:Tls:Enabled</c> is true.</summary>
internal static class TlsHosting
{
    /// <summary>Reads the settings and loads the certificates once, so that a bad setting or file stops the start.</summary>
    /// <exception cref="SiloStartupException">The message names the key (never the password).</exception>
    public static TlsSettings Check(IConfiguration configuration)
    {
        try
        {
            TlsSettings settings = TlsSettings.Load(configuration);
            if (settings.Enabled)
            {
                settings.CreateConfiguration();
            }

            return settings;
        }
        catch (InvalidOperationException exception)
        {
            throw SiloStartupChecks.Invalid(exception.Message.ReplaceLineEndings(" "), exception);
        }
    }

    public static void Use(ISiloBuilder builder)
    {
        TlsSettings settings = Check(builder.Configuration);
        if (settings.Enabled)
        {
            builder.UseTls(settings.CreateConfiguration());
        }
    }
}
