using OrleansML.Runtime.Transport;

namespace OrleansML.Runtime.Messaging;

/// <summary>The gateway side of the message center: clients' requests delivered here, and responses to
/// clients relayed from the silo that ran their call.</summary>
internal sealed partial class MessageCenter
{
    /// <summary>Delivers a request to this silo's grains without copying it (it was decoded from the wire).</summary>
    public void DeliverLocal(Message message)
    {
        ObjectDisposedException.ThrowIf(_stopped, this);
        message.Header.TargetSilo = localSilo.SiloAddress;
        Deliver(new Message(message.Header, message.Request));
    }

    private async ValueTask RelayToClientAsync(MessageHeader header, IncomingFrame frame)
    {
        // Awaited inside the frame handler: the frame's memory stays valid until the relay has written it.
        var peer = PeerId.ForClient(header.SendingClient!);
        try
        {
            var relay = new RelayFrame(frame.Header, frame.Body);
            await transport.SendAsync(peer, relay, CancellationToken.None);
            metrics.BytesSent.Add(relay.HeaderLength + relay.BodyLength);
        }
        catch (Exception e) when (e is SiloUnavailableException or ObjectDisposedException or OperationCanceledException or IOException or FrameTooLargeException)
        {
            // The client is gone (it fails its own calls when its connection closes): at-most-once.
            LogResponseLost(logger, header.CallId, peer, e.Message);
        }
    }
}
