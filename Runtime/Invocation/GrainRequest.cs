using System.ComponentModel;
using OrleansML.Runtime.Serialization;

namespace OrleansML.Runtime.Invocation;

/// <summary>How a call may be admitted and delivered.</summary>
[Flags]
public enum InvokeMethodOptions
{
    /// <summary>An ordinary call: one turn at a time on a non-reentrant grain.</summary>
    None = 0,

    /// <summary>The method is <see cref="ReadOnlyAttribute"/>: it interleaves with other read-only calls.</summary>
    ReadOnly = 1,

    /// <summary>The method is <see cref="AlwaysInterleaveAttribute"/>: it interleaves with anything.</summary>
    AlwaysInterleave = 2,

    /// <summary>The method returns <see cref="IAsyncEnumerable{T}"/>: results stream back in batches.</summary>
    Stream = 4,

    /// <summary>Every argument is immutable (primitives, strings, enums, <see cref="ImmutableAttribute"/> types):
    /// local calls need no deep copy.</summary>
    ImmutableArguments = 8,

    /// <summary>The result is immutable (or there is none): a local caller may share the callee's object.</summary>
    ImmutableResult = 16,
}

/// <summary>
/// One call to one grain method: its arguments and how to run it. The source generator emits one sealed
/// subclass per grain-interface method; the runtime moves requests between silos by writing and reading
/// their arguments, and runs them on the target grain with <see cref="InvokeAsync"/>. No reflection is
/// involved on the call path.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class GrainRequest
{
    /// <summary>The full name of the grain interface declaring the method.</summary>
    public abstract string InterfaceName { get; }

    /// <summary>The method's name, for logs and filters.</summary>
    public abstract string MethodName { get; }

    /// <summary>A stable id of the method within its interface: a <see cref="StableHashing"/> hash of the
    /// method name and parameter type names, so that silos built separately agree.</summary>
    public abstract uint MethodId { get; }

    /// <summary>Admission and delivery flags.</summary>
    public abstract InvokeMethodOptions Flags { get; }

    /// <summary>Writes the arguments, in declaration order (a CancellationToken parameter is not written).</summary>
    public abstract void WriteArguments(ref BodyWriter writer);

    /// <summary>Reads what <see cref="WriteArguments"/> wrote.</summary>
    public abstract void ReadArguments(ref BodyReader reader);

    /// <summary>
    /// Calls the method on <paramref name="grain"/> and returns its result boxed (null for Task/ValueTask),
    /// or for stream methods the <see cref="IAsyncEnumerable{T}"/> itself. <paramref name="callCancellation"/>
    /// is passed to a CancellationToken parameter; it is cancelled when the call's deadline passes.
    /// </summary>
    public abstract ValueTask<object?> InvokeAsync(object grain, CancellationToken callCancellation);

    /// <summary>Writes a result returned by <see cref="InvokeAsync"/> (nothing for void methods; one stream item for stream methods).</summary>
    public abstract void WriteResult(ref BodyWriter writer, object? result);

    /// <summary>Reads what <see cref="WriteResult"/> wrote.</summary>
    public abstract object? ReadResult(ref BodyReader reader);

    /// <summary>Creates an empty request of the same method, to read arguments into.</summary>
    public abstract GrainRequest CreateEmpty();
}
