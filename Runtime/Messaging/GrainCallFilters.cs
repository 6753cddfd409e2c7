using OrleansML.Runtime.Invocation;

namespace OrleansML.Runtime;

/// <summary>One grain call as seen by a call filter.</summary>
public interface IGrainCallContext
{
    /// <summary>The grain being called.</summary>
    GrainId TargetId { get; }

    /// <summary>The full name of the interface declaring the method.</summary>
    string InterfaceName { get; }

    /// <summary>The method's name.</summary>
    string MethodName { get; }

    /// <summary>The request (its arguments are read and written by the generated code).</summary>
    GrainRequest Request { get; }

    /// <summary>The method's result once <see cref="Invoke"/> has completed; a filter may replace it.</summary>
    object? Result { get; set; }

    /// <summary>Runs the next filter, or the call itself after the last one.</summary>
    Task Invoke();
}

/// <summary>A call arriving at a grain on this silo (runs inside the grain's turn).</summary>
public interface IIncomingGrainCallContext : IGrainCallContext
{
    /// <summary>The grain instance.</summary>
    object Grain { get; }
}

/// <summary>A call leaving this silo's grains or clients.</summary>
public interface IOutgoingGrainCallContext : IGrainCallContext
{
    /// <summary>The calling silo.</summary>
    SiloAddress? SourceSilo { get; }
}

/// <summary>Wraps every call delivered to grains on the silo. Register in the silo's services; filters run in registration order.</summary>
public interface IIncomingGrainCallFilter
{
    /// <summary>Handles the call; call <c>context.Invoke()</c> to continue.</summary>
    Task Invoke(IIncomingGrainCallContext context);
}

/// <summary>Wraps every grain call sent from the silo. Register in the silo's services; filters run in registration order.</summary>
public interface IOutgoingGrainCallFilter
{
    /// <summary>Handles the call; call <c>context.Invoke()</c> to continue.</summary>
    Task Invoke(IOutgoingGrainCallContext context);
}
