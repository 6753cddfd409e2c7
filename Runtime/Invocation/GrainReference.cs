using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace OrleansML.Runtime.Invocation;

/// <summary>
/// Base of generated grain proxies: a grain id plus the invoker that sends calls. References are
/// immutable and cheap; equal ids mean equal references.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class GrainReference : IAddressable, IEquatable<GrainReference>
{
    /// <summary>Creates a reference.</summary>
    protected GrainReference(IGrainCallInvoker invoker, GrainId grainId)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        Invoker = invoker;
        GrainId = grainId;
    }

    /// <summary>The target grain.</summary>
    public GrainId GrainId { get; }

    /// <summary>The full name of the grain interface this reference implements.</summary>
    public abstract string InterfaceName { get; }

    /// <summary>The invoker calls go through.</summary>
    protected internal IGrainCallInvoker Invoker { get; }

    /// <summary>Sends a request and returns its typed result.</summary>
    protected async Task<TResult> InvokeAsync<TResult>(GrainRequest request, CancellationToken cancellationToken = default)
    {
        object? result = await Invoker.InvokeAsync(this, request, cancellationToken);
        return (TResult)result!;
    }

    /// <summary>Sends a request of a method without a result.</summary>
    protected async Task InvokeVoidAsync(GrainRequest request, CancellationToken cancellationToken = default) =>
        await Invoker.InvokeAsync(this, request, cancellationToken);

    /// <summary>Calls a stream method.</summary>
    protected async IAsyncEnumerable<TItem> InvokeStreamAsync<TItem>(GrainRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (object? item in Invoker.InvokeStreamAsync(this, request, cancellationToken).ConfigureAwait(false))
        {
            yield return (TItem)item!;
        }
    }

    /// <inheritdoc/>
    public bool Equals(GrainReference? other) => other is not null && GrainId == other.GrainId && InterfaceName == other.InterfaceName;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as GrainReference);

    /// <inheritdoc/>
    public override int GetHashCode() => (int)GrainId.StableHash;

    /// <inheritdoc/>
    public override string ToString() => $"{InterfaceName}:{GrainId}";
}
