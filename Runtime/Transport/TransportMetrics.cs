using System.Diagnostics.Metrics;

namespace OrleansML.Runtime.Transport;

/// <summary>
/// The transport's counters, on the meter <see cref="MeterName"/>. One instance per transport; the meter comes
/// from <see cref="IMeterFactory"/> when the host has one, so test hosts can listen per instance.
/// </summary>
internal sealed class TransportMetrics : IDisposable
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "OrleansML.Runtime.Transport";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _bytesSent;
    private readonly Counter<long> _bytesReceived;
    private readonly Counter<long> _framesSent;
    private readonly Counter<long> _framesReceived;
    private readonly Counter<long> _connectionsOpened;
    private readonly Counter<long> _connectionsRejected;
    private readonly Counter<long> _connectionsClosed;
    private readonly Counter<long> _protocolErrors;

    public TransportMetrics(IMeterFactory? meterFactory)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _bytesSent = _meter.CreateCounter<long>("orleansml.transport.bytes.sent", "By", "Bytes written to sockets.");
        _bytesReceived = _meter.CreateCounter<long>("orleansml.transport.bytes.received", "By", "Bytes read from sockets.");
        _framesSent = _meter.CreateCounter<long>("orleansml.transport.frames.sent", "{frame}", "Frames queued for sending.");
        _framesReceived = _meter.CreateCounter<long>("orleansml.transport.frames.received", "{frame}", "Frames delivered to the handler.");
        _connectionsOpened = _meter.CreateCounter<long>("orleansml.transport.connections.opened", "{connection}", "Connections that passed the handshake.");
        _connectionsRejected = _meter.CreateCounter<long>("orleansml.transport.connections.rejected", "{connection}", "Handshakes that failed or were rejected.");
        _connectionsClosed = _meter.CreateCounter<long>("orleansml.transport.connections.closed", "{connection}", "Authenticated connections that closed.");
        _protocolErrors = _meter.CreateCounter<long>("orleansml.transport.protocol.errors", "{error}", "Connections closed for a malformed frame.");
    }

    public void BytesSent(int count) => _bytesSent.Add(count);

    public void BytesReceived(int count) => _bytesReceived.Add(count);

    public void FrameSent() => _framesSent.Add(1);

    public void FrameReceived() => _framesReceived.Add(1);

    public void ConnectionOpened() => _connectionsOpened.Add(1);

    public void ConnectionRejected() => _connectionsRejected.Add(1);

    public void ConnectionClosed() => _connectionsClosed.Add(1);

    public void ProtocolError() => _protocolErrors.Add(1);

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
