using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using OrleansML.Grains.Hosting.Storage;
using OrleansML.Grains.Hosting.Transport;

namespace OrleansML.Grains.Hosting;

/// <summary>
/// The silo configuration every OrleansML silo shares (the <c>OrleansML.Silo</c> host, the CLI's embedded cluster):
/// providers chosen by Orleans' own configuration sections, with OrleansML's defaults where a section is absent.
/// </summary>
public static class OrleansMLSiloBuilderExtensions
{
    /// <summary>
    /// Completes the silo's providers from <see cref="ISiloBuilder.Configuration"/>. Orleans has already applied its
    /// <c>Orleans</c> section (<c>ClusterId</c>, <c>ServiceId</c>, <c>Endpoints</c>, and each <c>ProviderType</c> of
    /// <c>Clustering</c>, <c>Reminders</c> and <c>GrainStorage:&lt;name&gt;</c>); this adds:
    /// <list type="bullet">
    /// <item>where <c>Orleans:Clustering</c> is absent, development clustering with this silo as the primary;</item>
    /// <item>where <c>Orleans:Reminders</c> is absent, the in-memory reminder service;</item>
    /// <item>where <c>Orleans:GrainStorage:Default</c> is absent, <see cref="DirectoryGrainStorage"/> in
    /// <c>&lt;OrleansML:DataDirectory&gt;/grain-state</c>;</item>
    /// <item>Orleans' binary <see cref="OrleansGrainStorageSerializer"/> for the <c>Default</c> storage, whatever its
    /// provider, unless its section names another serializer (for example <c>SerializerKey</c>): Orleans' default is
    /// Newtonsoft JSON, which writes every float of a tensor as text;</item>
    /// <item>the invariant <c>Npgsql</c> for ADO.NET clustering and reminders that name none;</item>
    /// <item>ClusterId and ServiceId <c>orleansml</c> when unset (Orleans would use <c>default</c>);</item>
    /// <item>the loopback address as the advertised (and so the listening) address unless
    /// <c>Orleans:Endpoints:AdvertisedIPAddress</c> is set: nothing listens beyond this machine unless configured to;</item>
    /// <item>fast failure detection (<see cref="FailureDetectionDefaults"/>), overridable under <c>OrleansML:Membership</c>;</item>
    /// <item>TLS between silos and from clients when <c>OrleansML:Tls:Enabled</c> is true (<see cref="Security.TlsSettings"/>);</item>
    /// <item>the socket transport chosen by <c>OrleansML:Transport</c> (<see cref="Transport.TransportSettings"/>).</item>
    /// </list>
    /// Call <see cref="SiloStartupChecks.RunAsync"/> before starting the host to turn bad settings and unreachable
    /// services into clear errors.
    /// </summary>
    public static ISiloBuilder UseOrleansMLProviders(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        IServiceCollection services = builder.Services;
        var settings = new ProviderSettings(builder.Configuration);

        // Orleans' own defaults are "default"; an OrleansML silo's are "orleansml", unless set by configuration or code.
        services.PostConfigure<ClusterOptions>(options =>
        {
            options.ClusterId = KeepOrDefault(options.ClusterId, ClusterOptions.DefaultClusterId);
            options.ServiceId = KeepOrDefault(options.ServiceId, ClusterOptions.DefaultServiceId);
        });

        if (string.IsNullOrWhiteSpace(settings.Endpoints["AdvertisedIPAddress"]))
        {
            services.Configure<EndpointOptions>(options => options.AdvertisedIPAddress = IPAddress.Loopback);
        }

        if (settings.Clustering is null)
        {
            builder.UseDevelopmentClustering(primarySiloEndpoint: null);
        }

        if (settings.Reminders is null)
        {
            builder.UseInMemoryReminderService();
        }

        if (settings.DefaultStorage is null)
        {
            string directory = Path.Combine(settings.DataDirectory, LocalDataDirectory.GrainStateFolder);
            builder.AddDirectoryGrainStorage(ProviderSettings.DefaultStorageName, options => options.Directory = directory);
        }

        // Orleans' storage options take a serializer registered under the storage's name before the global default.
        services.AddKeyedSingleton<IGrainStorageSerializer>(
            ProviderSettings.DefaultStorageName,
            static (provider, _) => new OrleansGrainStorageSerializer(provider.GetRequiredService<Serializer>()));

        services.PostConfigure<AdoNetClusteringSiloOptions>(options => options.Invariant = DefaultInvariant(options.Invariant));
        services.PostConfigure<AdoNetReminderTableOptions>(options => options.Invariant = DefaultInvariant(options.Invariant));

        services.AddOptions<ClusterMembershipOptions>()
            .Configure(FailureDetectionDefaults.Apply)
            .Bind(builder.Configuration.GetSection($"{ProviderSettings.OrleansMLSection}:Membership"));
        TlsHosting.Use(builder);
        builder.UseOrleansMLTransport();
        return builder;
    }

    private static string KeepOrDefault(string? value, string orleansDefault) =>
        string.IsNullOrWhiteSpace(value) || value == orleansDefault ? ProviderSettings.DefaultIdentity : value;

    private static string DefaultInvariant(string? invariant) =>
        string.IsNullOrWhiteSpace(invariant) ? ProviderSettings.PostgreSqlInvariant : invariant;
}
