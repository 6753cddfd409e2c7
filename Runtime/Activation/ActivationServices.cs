using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansML.Runtime.Directory;
using OrleansML.Runtime.Hosting;
using OrleansML.Runtime.Messaging;
using OrleansML.Runtime.Persistence;
using OrleansML.Runtime.Reminders;

namespace OrleansML.Runtime.Activation;

/// <summary>What every activation of the silo shares (one object instead of a dozen constructor arguments per activation).</summary>
internal sealed class ActivationServices(
    IServiceProvider services,
    RuntimeClient runtimeClient,
    MessageCenter messageCenter,
    GrainDirectory directory,
    LocalSiloDetails localSilo,
    IPersistentStateFactory stateFactory,
    IEnumerable<IIncomingGrainCallFilter> incomingFilters,
    RuntimeMetrics metrics,
    TimeProvider time,
    IOptions<SiloOptions> options,
    ILoggerFactory loggerFactory)
{
    private ReminderService? _reminders;

    public IServiceProvider Services { get; } = services;

    public RuntimeClient RuntimeClient { get; } = runtimeClient;

    public MessageCenter MessageCenter { get; } = messageCenter;

    public GrainDirectory Directory { get; } = directory;

    public LocalSiloDetails LocalSilo { get; } = localSilo;

    public IPersistentStateFactory StateFactory { get; } = stateFactory;

    public IIncomingGrainCallFilter[] IncomingFilters { get; } = [.. incomingFilters];

    public RuntimeMetrics Metrics { get; } = metrics;

    public TimeProvider Time { get; } = time;

    public SiloOptions Options { get; } = options.Value;

    public ILogger Logger { get; } = loggerFactory.CreateLogger("OrleansML.Runtime.Activation");

    /// <summary>Resolved on first use: the reminder service depends on the catalog, which depends on this.</summary>
    public ReminderService Reminders => _reminders ??= (ReminderService)Services.GetService(typeof(ReminderService))!;
}
