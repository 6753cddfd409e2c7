using System.Reflection;
using System.Runtime.Loader;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansML.Grains.Hosting;
using OrleansML.Grains.Jobs;
using OrleansML.Grains.Shards;
using OrleansML.Runtime.Hosting;
using OrleansML.Runtime.Membership;
using OrleansML.Runtime.Transport;

namespace OrleansML.Silo;

/// <summary>Builds the silo's generic host from its configuration sources and settings.</summary>
internal static class SiloHostFactory
{
    /// <summary>Prefix of the environment variables read as settings (ORLEANSML_CLUSTERID, ORLEANSML_SILO__RESPONSETIMEOUT…).</summary>
    public const string EnvironmentPrefix = "ORLEANSML_";

    /// <summary>appsettings.json beside the executable (or --config), then environment, then command line.</summary>
    public static IConfigurationRoot BuildConfiguration(string[] args)
    {
        SiloHostSettings.CheckArguments(args);
        int config = Array.FindIndex(args, a => a == "--config" || a.StartsWith("--config=", StringComparison.Ordinal));
        string? file = config < 0 ? null : args[config].Contains('=', StringComparison.Ordinal) ? args[config].Split('=', 2)[1] : args[config + 1];
        if (file is not null && !File.Exists(file))
        {
            throw new SiloConfigurationException($"Config (--config): the file '{file}' does not exist.");
        }

        return new ConfigurationBuilder()
            .AddJsonFile(file ?? Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: file is null)
            .AddEnvironmentVariables(EnvironmentPrefix)
            .AddCommandLine(args, SiloHostSettings.Switches.ToDictionary())
            .Build();
    }

    public static IHost Build(IConfiguration configuration, SiloHostSettings settings)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ContentRootPath = AppContext.BaseDirectory,
            Configuration = new ConfigurationManager(),
        });
        builder.Configuration.AddConfiguration(configuration);
        builder.Logging.AddConfiguration(configuration.GetSection("Logging"));

        // Logs go to stderr: stdout carries only the ready and stopped lines that scripts wait for.
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);

        ISiloBuilder silo = builder.Services.AddOrleansMLSilo(o =>
        {
            configuration.GetSection("Silo").Bind(o);
            o.ClusterId = settings.ClusterId;
            o.SiloName = settings.Name;
            o.ClusterSecret = settings.ClusterSecret;
            o.AdvertisedHost = settings.AdvertisedHost ?? settings.Listen.ToString();
        });
        silo.UseTcpTransport(o =>
        {
            configuration.GetSection("Transport").Bind(o);
            o.ListenAddress = settings.Listen;
            o.SiloPort = settings.SiloPort;
            o.GatewayPort = settings.GatewayPort;
        });
        if (settings.MembershipDatabase is null)
        {
            silo.UseInMemoryClustering(new InMemoryMembershipTable());
        }
        else
        {
            silo.UseSqliteClustering(settings.MembershipDatabase, settings.ClusterId);
        }

        silo.ConfigureMembership(o => configuration.GetSection("FailureDetection").Bind(o));
        if (settings.StorageDirectory is null)
        {
            silo.AddMemoryGrainStorage("Default");
        }
        else
        {
            silo.AddFileGrainStorage("Default", settings.StorageDirectory);
        }

        // The training grains are what this host is for; their settings come from the "Training" section.
        silo.AddOrleansMLTraining();
        builder.Services.Configure<TrainingJobOptions>(configuration.GetSection("Training:Jobs"));
        builder.Services.Configure<ParameterShardOptions>(configuration.GetSection("Training:Shards"));
        foreach (string assembly in settings.GrainAssemblies)
        {
            silo.AddGrainAssembly(LoadGrainAssembly(assembly));
        }

        // The host's own stop limit must leave room for the silo's graceful stop.
        TimeSpan shutdown = configuration.GetSection("Silo").GetValue("ShutdownTimeout", TimeSpan.FromSeconds(30));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = shutdown + TimeSpan.FromSeconds(15));
        return builder.Build();
    }

    /// <summary>A grain assembly by name (deployed beside the silo) or by path to its .dll.</summary>
    private static Assembly LoadGrainAssembly(string nameOrPath)
    {
        try
        {
            return nameOrPath.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
                ? AssemblyLoadContext.Default.LoadFromAssemblyPath(Path.GetFullPath(nameOrPath))
                : Assembly.Load(new AssemblyName(nameOrPath));
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException or ArgumentException)
        {
            throw new SiloConfigurationException($"GrainAssemblies (--grain-assemblies): cannot load '{nameOrPath}': {e.Message}");
        }
    }
}
