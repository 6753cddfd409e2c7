using OrleansML.Runtime.Invocation;

namespace OrleansML.Runtime.Messaging;

/// <summary>What a message is.</summary>
internal enum MessageDirection : byte
{
    Request = 1,
    Response = 2,
    OneWay = 3,
}

/// <summary>How a call ended (responses only).</summary>
internal enum ResponseStatus : byte
{
    None = 0,
    Success = 1,
    ApplicationError = 2,
    Rejection = 3,
}

/// <summary>
/// The routing and control part of a message. The body (arguments, result or error) is separate, so a
/// silo can route, forward or reject a message without touching its body.
/// </summary>
internal sealed class MessageHeader
{
    public MessageDirection Direction { get; init; }

    /// <summary>Unique per sending silo or client; pairs a response with its request.</summary>
    public long CallId { get; init; }

    public GrainId TargetGrain { get; init; }

    public string InterfaceName { get; init; } = "";

    public uint MethodId { get; init; }

    public InvokeMethodOptions Flags { get; init; }

    /// <summary>The silo that sent the request (for a response: the silo that ran it).</summary>
    public SiloAddress? SendingSilo { get; init; }

    /// <summary>The external client that sent the request, when it did not come from a silo.</summary>
    public string? SendingClient { get; init; }

    /// <summary>The silo the sender routed the message to (null while unresolved).</summary>
    public SiloAddress? TargetSilo { get; set; }

    /// <summary>UTC ticks after which the caller has given up (0: no deadline).</summary>
    public long DeadlineUtcTicks { get; init; }

    /// <summary>The call chain the request belongs to: a call made while serving a request inherits it,
    /// so A → B → A is admitted instead of deadlocking.</summary>
    public Guid CallChainId { get; init; }

    /// <summary>How many times a silo has forwarded the message to another location.</summary>
    public int ForwardCount { get; set; }

    public ResponseStatus Status { get; init; }

    public RejectionKind Rejection { get; init; }

    /// <summary>A response header for this request.</summary>
    public MessageHeader CreateResponse(SiloAddress responder, ResponseStatus status, RejectionKind rejection = default) => new()
    {
        Direction = MessageDirection.Response,
        CallId = CallId,
        TargetGrain = TargetGrain,
        InterfaceName = InterfaceName,
        MethodId = MethodId,
        SendingSilo = responder,
        TargetSilo = SendingSilo,
        SendingClient = SendingClient,
        CallChainId = CallChainId,
        Status = status,
        Rejection = rejection,
    };

    /// <summary>
    /// A copy of a client's request as its gateway passes it on: the gateway becomes the sending silo, so
    /// responses (from whichever silo runs the call) come back to the gateway, which relays them to the
    /// client named in <see cref="SendingClient"/>.
    /// </summary>
    public MessageHeader ViaGateway(SiloAddress gateway)
    {
        System.Diagnostics.Debug.Assert(SendingClient is not null && SendingSilo is null, "only a client's own request passes through a gateway");
        return new()
        {
            Direction = Direction,
            CallId = CallId,
            TargetGrain = TargetGrain,
            InterfaceName = InterfaceName,
            MethodId = MethodId,
            Flags = Flags,
            SendingSilo = gateway,
            SendingClient = SendingClient,
            TargetSilo = TargetSilo,
            DeadlineUtcTicks = DeadlineUtcTicks,
            CallChainId = CallChainId,
            ForwardCount = ForwardCount,
        };
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Direction} #{CallId} {TargetGrain} {InterfaceName}#{MethodId} from {SendingSilo?.ToString() ?? SendingClient} to {TargetSilo} status {Status}";
}
