using System.Diagnostics.Metrics;

namespace OrleansML.Runtime.Hosting;

/// <summary>
/// The runtime's counters on the Meter "OrleansML.Runtime" (one meter per silo, created through the
/// host's <see cref="IMeterFactory"/>, so several silos in one process keep separate figures).
/// </summary>
internal sealed class RuntimeMetrics : IDisposable
{
    public const string MeterName = "OrleansML.Runtime";

    private readonly Meter _meter;
    private Func<long>? _queueLength;
    private Func<long>? _pendingCalls;

    public RuntimeMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        CallsSent = _meter.CreateCounter<long>("orleansml.calls.sent", "{call}", "Grain calls sent by this silo.");
        CallsReceived = _meter.CreateCounter<long>("orleansml.calls.received", "{call}", "Grain requests received by this silo.");
        CallsFailed = _meter.CreateCounter<long>("orleansml.calls.failed", "{call}", "Calls that ended in an error, rejection or timeout.");
        ActivationsCreated = _meter.CreateCounter<long>("orleansml.activations.created", "{activation}", "Activations that reached Valid.");
        ActivationsActive = _meter.CreateUpDownCounter<long>("orleansml.activations.active", "{activation}", "Activations currently Valid.");
        BytesSent = _meter.CreateCounter<long>("orleansml.messaging.bytes.sent", "By", "Frame bytes handed to the transport.");
        BytesReceived = _meter.CreateCounter<long>("orleansml.messaging.bytes.received", "By", "Frame bytes received from the transport.");
        _meter.CreateObservableGauge("orleansml.activations.queue.length", () => _queueLength?.Invoke() ?? 0, "{message}", "Requests waiting in activation mailboxes.");
        _meter.CreateObservableGauge("orleansml.calls.pending", () => _pendingCalls?.Invoke() ?? 0, "{call}", "Calls awaiting a response.");
    }

    public Counter<long> CallsSent { get; }

    public Counter<long> CallsReceived { get; }

    public Counter<long> CallsFailed { get; }

    public Counter<long> ActivationsCreated { get; }

    public UpDownCounter<long> ActivationsActive { get; }

    public Counter<long> BytesSent { get; }

    public Counter<long> BytesReceived { get; }

    public void ObserveQueueLength(Func<long> queueLength) => _queueLength = queueLength;

    public void ObservePendingCalls(Func<long> pendingCalls) => _pendingCalls = pendingCalls;

    public void Dispose() => _meter.Dispose();
}
