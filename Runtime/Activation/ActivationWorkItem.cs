using OrleansML.Runtime.Invocation;
using OrleansML.Runtime.Messaging;
using OrleansML.Runtime.Timers;

namespace OrleansML.Runtime.Activation;

/// <summary>The life of an activation. It only moves forward.</summary>
internal enum ActivationState
{
    /// <summary>Registering in the directory; requests queue.</summary>
    Creating,

    /// <summary>Registered: constructing the grain, loading state, running OnActivateAsync; requests queue.</summary>
    Activating,

    /// <summary>Serving requests.</summary>
    Valid,

    /// <summary>Finishing running turns, then OnDeactivateAsync; new requests queue and are forwarded afterwards.</summary>
    Deactivating,

    /// <summary>Gone from the catalog and the directory.</summary>
    Invalid,
}

/// <summary>What became of a request handed to an activation.</summary>
internal enum EnqueueResult
{
    /// <summary>Running or waiting in the mailbox.</summary>
    Accepted,

    /// <summary>The activation is Invalid: deliver to a new one.</summary>
    Invalid,

    /// <summary>The mailbox is full (<c>SiloOptions.MaxQueuedRequestsPerActivation</c>).</summary>
    Overloaded,
}

/// <summary>One entry of an activation's mailbox: a request or a timer tick.</summary>
internal sealed class ActivationWorkItem
{
    private ActivationWorkItem(Message? message, GrainTimer? timer, InvokeMethodOptions flags, Guid callChainId)
    {
        Message = message;
        Timer = timer;
        Flags = flags;
        CallChainId = callChainId;
    }

    public Message? Message { get; }

    public GrainTimer? Timer { get; }

    public InvokeMethodOptions Flags { get; }

    public Guid CallChainId { get; }

    public bool IsReadOnly => (Flags & InvokeMethodOptions.ReadOnly) != 0;

    public bool IsAlwaysInterleave => (Flags & InvokeMethodOptions.AlwaysInterleave) != 0;

    public static ActivationWorkItem ForRequest(Message message) =>
        new(message, null, message.Request.Flags, message.Header.CallChainId);

    public static ActivationWorkItem ForTimer(GrainTimer timer) => new(null, timer, InvokeMethodOptions.None, Guid.Empty);
}
