namespace OrleansML.Runtime.Reminders;

/// <summary>
/// One scheduled reminder: a one-shot timer re-armed after each tick for the next multiple of the period
/// after <see cref="ReminderEntry.StartAt"/>, so ticks stay on schedule however long a tick takes, and
/// ticks missed while no silo owned the reminder are skipped, not replayed.
/// </summary>
internal sealed class ScheduledReminder : IDisposable
{
    private readonly ReminderService _service;
    private readonly ITimer _timer;
    private DateTimeOffset _nextTick;
    private volatile bool _disposed;

    public ScheduledReminder(ReminderEntry entry, ReminderService service)
    {
        Entry = entry;
        _service = service;
        _nextTick = NextTickAfter(entry, service.Time.GetUtcNow() - TimeSpan.FromTicks(1));
        _timer = service.Time.CreateTimer(static state => _ = ((ScheduledReminder)state!).OnTickAsync(), this, Delay(), Timeout.InfiniteTimeSpan);
    }

    public ReminderEntry Entry { get; }

    /// <summary>The first tick strictly after <paramref name="after"/>.</summary>
    public static DateTimeOffset NextTickAfter(ReminderEntry entry, DateTimeOffset after)
    {
        if (after < entry.StartAt)
        {
            return entry.StartAt;
        }

        long periods = ((after - entry.StartAt).Ticks / entry.Period.Ticks) + 1;
        return entry.StartAt + TimeSpan.FromTicks(periods * entry.Period.Ticks);
    }

    private TimeSpan Delay()
    {
        TimeSpan delay = _nextTick - _service.Time.GetUtcNow();
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
    }

    private async Task OnTickAsync()
    {
        if (_disposed)
        {
            return;
        }

        DateTimeOffset tick = _nextTick;
        await _service.FireAsync(Entry, tick);
        if (!_disposed)
        {
            _nextTick = NextTickAfter(Entry, tick > _service.Time.GetUtcNow() ? tick : _service.Time.GetUtcNow());
            _timer.Change(Delay(), Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _timer.Dispose();
    }
}
