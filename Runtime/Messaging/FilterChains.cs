using OrleansML.Runtime.Invocation;

namespace OrleansML.Runtime.Messaging;

/// <summary>Runs incoming filters in order and then the call itself.</summary>
internal sealed class IncomingCallContext(IIncomingGrainCallFilter[] filters, object grain, GrainId target, GrainRequest request, CancellationToken callCancellation)
    : IIncomingGrainCallContext
{
    private int _next;

    public object Grain { get; } = grain;

    public GrainId TargetId { get; } = target;

    public string InterfaceName => Request.InterfaceName;

    public string MethodName => Request.MethodName;

    public GrainRequest Request { get; } = request;

    public object? Result { get; set; }

    public async Task Invoke()
    {
        if (_next < filters.Length)
        {
            await filters[_next++].Invoke(this);
            return;
        }

        Result = await Request.InvokeAsync(Grain, callCancellation);
    }
}

/// <summary>Runs outgoing filters in order and then sends the call.</summary>
internal sealed class OutgoingCallContext(IOutgoingGrainCallFilter[] filters, SiloAddress? source, GrainId target, GrainRequest request, Func<Task<object?>> send)
    : IOutgoingGrainCallContext
{
    private int _next;

    public SiloAddress? SourceSilo { get; } = source;

    public GrainId TargetId { get; } = target;

    public string InterfaceName => Request.InterfaceName;

    public string MethodName => Request.MethodName;

    public GrainRequest Request { get; } = request;

    public object? Result { get; set; }

    public async Task Invoke()
    {
        if (_next < filters.Length)
        {
            await filters[_next++].Invoke(this);
            return;
        }

        Result = await send();
    }
}
