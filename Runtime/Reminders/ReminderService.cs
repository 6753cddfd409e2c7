using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansML.Runtime.Directory;
using OrleansML.Runtime.Hosting;
using OrleansML.Runtime.Invocation;
using OrleansML.Runtime.Messaging;

namespace OrleansML.Runtime.Reminders;

/// <summary>
/// Fires the durable reminders of the ring range this silo owns. It loads them from the
/// <see cref="IReminderTable"/> at start, on every ring change and every
/// <see cref="SiloOptions.ReminderRefreshPeriod"/>, and fires each tick by calling
/// <see cref="IRemindable.ReceiveReminder"/> like any grain call, so the grain activates wherever it
/// belongs. When a silo dies, the ring gives its range to others, which load and fire its reminders.
/// </summary>
internal sealed partial class ReminderService : IDisposable
{
    private readonly IReminderTable? _table;
    private readonly RingProvider _ring;
    private readonly LocalSiloDetails _localSilo;
    private readonly RuntimeClient _client;
    private readonly SystemTargetClient _systemClient;
    private readonly TimeProvider _time;
    private readonly SiloOptions _options;
    private readonly ILogger<ReminderService> _logger;
    private readonly Dictionary<(GrainId, string), ScheduledReminder> _scheduled = [];
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private readonly CancellationTokenSource _stopped = new();
    private ITimer? _refreshTimer;

    public ReminderService(IServiceProvider services, RingProvider ring, LocalSiloDetails localSilo, RuntimeClient client, SystemTargetClient systemClient, TimeProvider time, IOptions<SiloOptions> options, ILogger<ReminderService> logger)
    {
        _table = services.GetService<IReminderTable>();
        _ring = ring;
        _localSilo = localSilo;
        _client = client;
        _systemClient = systemClient;
        _time = time;
        _options = options.Value;
        _logger = logger;
    }

    public int ScheduledCount
    {
        get
        {
            lock (_gate)
            {
                return _scheduled.Count;
            }
        }
    }

    private volatile bool _initialized; // the table's schema exists: refreshes may read it

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_table is null)
        {
            return;
        }

        await _table.InitializeAsync(cancellationToken);
        _initialized = true;
        await RefreshAsync(cancellationToken);
        _refreshTimer = _time.CreateTimer(static state => _ = ((ReminderService)state!).RefreshQuietlyAsync(), this, _options.ReminderRefreshPeriod, _options.ReminderRefreshPeriod);
    }

    /// <summary>Re-reads the ranges this silo owns; ring changes before the table is initialised (during the
    /// join) are covered by the first refresh in <see cref="StartAsync"/>.</summary>
    public void OnRingChanged()
    {
        if (_initialized)
        {
            _ = RefreshQuietlyAsync();
        }
    }

    public async Task RegisterOrUpdateAsync(GrainId grainId, GrainClassMetadata grainClass, string name, TimeSpan dueTime, TimeSpan period, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        IReminderTable table = RequireTable();
        if (!typeof(IRemindable).IsAssignableFrom(grainClass.GrainClass))
        {
            throw new InvalidOperationException($"{grainClass.GrainClass.Name} registers reminder '{name}' but does not implement IRemindable.");
        }

        if (period < _options.MinimumReminderPeriod)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, $"Reminder '{name}' has a period shorter than SiloOptions.MinimumReminderPeriod ({_options.MinimumReminderPeriod}); use a timer for short periods.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(dueTime, TimeSpan.Zero);
        await table.UpsertAsync(new ReminderEntry(grainId, name, _time.GetUtcNow() + dueTime, period), cancellationToken);
        await NotifyOwnerAsync(grainId, cancellationToken);
    }

    public async Task UnregisterAsync(GrainId grainId, string name, CancellationToken cancellationToken)
    {
        await RequireTable().RemoveAsync(grainId, name, null, cancellationToken);
        await NotifyOwnerAsync(grainId, cancellationToken);
    }

    /// <summary>Re-reads one grain's reminders (this silo owns the grain's range).</summary>
    public async Task RefreshGrainAsync(GrainId grainId, CancellationToken cancellationToken)
    {
        IReadOnlyList<ReminderEntry> entries = await RequireTable().ReadGrainAsync(grainId, cancellationToken);
        Reconcile(entries, key => key.Item1 == grainId);
    }

    /// <summary>Re-reads every reminder of the ranges this silo owns and reschedules the difference.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        if (_table is null || !_localSilo.IsKnown)
        {
            return;
        }

        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            var entries = new List<ReminderEntry>();
            foreach ((uint begin, uint end) in _ring.Current.GetRanges(_localSilo.SiloAddress))
            {
                entries.AddRange(await _table.ReadRangeAsync(begin, end, cancellationToken));
            }

            Reconcile(entries, _ => true);
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private async Task RefreshQuietlyAsync()
    {
        try
        {
            await RefreshAsync(_stopped.Token);
        }
        catch (OperationCanceledException) when (_stopped.IsCancellationRequested)
        {
            // The silo is stopping: nothing to refresh.
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogRefreshFailed(_logger, e.Message);
        }
    }

    private void Reconcile(IReadOnlyList<ReminderEntry> entries, Func<(GrainId, string), bool> inScope)
    {
        lock (_gate)
        {
            var current = entries.ToDictionary(e => (e.GrainId, e.ReminderName));
            foreach (KeyValuePair<(GrainId, string), ScheduledReminder> scheduled in _scheduled.Where(s => inScope(s.Key)).ToList())
            {
                if (!current.TryGetValue(scheduled.Key, out ReminderEntry? entry) || entry != scheduled.Value.Entry)
                {
                    scheduled.Value.Dispose();
                    _scheduled.Remove(scheduled.Key);
                }
            }

            foreach (ReminderEntry entry in current.Values)
            {
                if (!_scheduled.ContainsKey((entry.GrainId, entry.ReminderName)) && !_stopped.IsCancellationRequested)
                {
                    _scheduled[(entry.GrainId, entry.ReminderName)] = new ScheduledReminder(entry, this);
                }
            }
        }
    }

    private async Task NotifyOwnerAsync(GrainId grainId, CancellationToken cancellationToken)
    {
        SiloAddress? owner = _ring.Current.GetOwner(grainId.StableHash);
        if (owner is null || owner == _localSilo.SiloAddress)
        {
            await RefreshGrainAsync(grainId, cancellationToken);
            return;
        }

        try
        {
            await _systemClient.InvokeAsync(owner, new RemindersChangedRequest { GrainId = grainId }, null, cancellationToken);
        }
        catch (Exception e) when (e is SiloUnavailableException or GrainCallTimeoutException)
        {
            // The table is the truth: the owner's next refresh (or the next owner) schedules it.
            LogNotifyFailed(_logger, owner, grainId, e.Message);
        }
    }

    private IReminderTable RequireTable() => _table
        ?? throw new InvalidOperationException("Reminders need an IReminderTable in the silo's services (the membership provider supplies one).");

    internal async Task FireAsync(ReminderEntry entry, DateTimeOffset tick)
    {
        try
        {
            await _client.InvokeAsync(entry.GrainId, new ReceiveReminderRequest { ReminderName = entry.ReminderName, FiredAt = tick }, _stopped.Token);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogFireFailed(_logger, entry.ReminderName, entry.GrainId, e.Message);
        }
    }

    internal TimeProvider Time => _time;

    /// <summary>Stops firing (graceful stop or kill). Reminders stay in the table for the next owner.</summary>
    public void Dispose()
    {
        _stopped.Cancel();
        _refreshTimer?.Dispose();
        lock (_gate)
        {
            foreach (ScheduledReminder reminder in _scheduled.Values)
            {
                reminder.Dispose();
            }

            _scheduled.Clear();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reminder refresh failed: {Reason}")]
    private static partial void LogRefreshFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Could not tell {Owner} that reminders of {Grain} changed: {Reason}")]
    private static partial void LogNotifyFailed(ILogger logger, SiloAddress owner, GrainId grain, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reminder {Name} of {Grain} failed to fire: {Reason}")]
    private static partial void LogFireFailed(ILogger logger, string name, GrainId grain, string reason);
}
