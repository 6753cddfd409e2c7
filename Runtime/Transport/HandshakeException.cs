namespace OrleansML.Runtime.Transport;

/// <summary>Why a handshake failed.</summary>
internal enum HandshakeFailure : byte
{
    /// <summary>A record was malformed or of an unexpected type.</summary>
    Malformed = 1,

    /// <summary>The peer speaks another protocol version.</summary>
    WrongProtocolVersion = 2,

    /// <summary>The peer belongs to another cluster.</summary>
    WrongClusterId = 3,

    /// <summary>The peer's HMAC proof did not verify.</summary>
    WrongClusterSecret = 4,

    /// <summary>A client on the silo port, a silo on the gateway port, or a client answering as a silo.</summary>
    WrongRole = 5,

    /// <summary>The silo at the endpoint is not the incarnation the caller wanted (for example, it restarted).</summary>
    UnexpectedIdentity = 6,
}

/// <summary>The handshake failed, locally or because the peer rejected it.</summary>
internal sealed class HandshakeException(HandshakeFailure failure, bool rejectedByPeer, string detail)
    : Exception(detail)
{
    public HandshakeFailure Failure { get; } = failure;

    /// <summary>True when the peer sent the rejection; false when this side found the fault.</summary>
    public bool RejectedByPeer { get; } = rejectedByPeer;
}
