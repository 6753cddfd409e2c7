using OrleansML.Runtime.Activation;

namespace OrleansML.Runtime.Timers;

/// <summary>
/// A volatile grain timer: each tick is queued to the activation as a turn, so its callback never runs in
/// parallel with the grain's requests (unless the grain is reentrant). A tick that finds the previous one
/// still queued or running is skipped rather than piling up. Deactivation disposes every timer.
/// </summary>
internal sealed class GrainTimer : IDisposable
{
    private readonly ActivationData _owner;
    private readonly Func<CancellationToken, Task> _callback;
    private readonly ITimer _timer;
    private int _tickPending;
    private volatile bool _disposed;

    public GrainTimer(ActivationData owner, Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ArgumentOutOfRangeException.ThrowIfLessThan(dueTime, TimeSpan.Zero);
        if (period <= TimeSpan.Zero && period != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, "A timer period must be positive, or Timeout.InfiniteTimeSpan for a one-shot timer.");
        }

        _owner = owner;
        _callback = callback;
        _timer = time.CreateTimer(static state => ((GrainTimer)state!).OnTick(), this, dueTime, period);
    }

    public bool IsDisposed => _disposed;

    private void OnTick()
    {
        if (_disposed || Interlocked.CompareExchange(ref _tickPending, 1, 0) != 0)
        {
            return;
        }

        if (!_owner.EnqueueTimerTick(this))
        {
            Volatile.Write(ref _tickPending, 0);
        }
    }

    /// <summary>Runs the callback (inside the activation's turn).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (!_disposed)
            {
                await _callback(cancellationToken);
            }
        }
        finally
        {
            Volatile.Write(ref _tickPending, 0);
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _timer.Dispose();
        _owner.RemoveTimer(this);
    }
}
