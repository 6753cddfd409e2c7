using OrleansML.Runtime.Invocation;

namespace OrleansML.Runtime.Messaging;

/// <summary>A request in memory: its header and its (decoded or original) request object.</summary>
internal sealed class Message(MessageHeader header, GrainRequest request)
{
    public MessageHeader Header { get; } = header;

    public GrainRequest Request { get; } = request;

    public bool IsOneWay => Header.Direction == MessageDirection.OneWay;

    /// <summary>True when an external client sent it straight to this silo (its gateway): the gateway
    /// routes it (directory and placement) instead of activating the grain wherever the request landed.</summary>
    public bool FromClient { get; init; }
}
