using OrleansML.Runtime.Invocation;

namespace OrleansML.Runtime.Messaging;

/// <summary>A request in memory: its header and its (decoded or original) request object.</summary>
internal sealed class Message(MessageHeader header, GrainRequest request)
{
    public MessageHeader Header { get; } = header;

    public GrainRequest Request { get; } = request;

    public bool IsOneWay => Header.Direction == MessageDirection.OneWay;
}
