using System.ComponentModel;

namespace OrleansML.Runtime.Invocation;

/// <summary>
/// Sends requests on behalf of grain references. Implemented by the silo's runtime client and by the
/// external cluster client; generated proxies reach it through <see cref="GrainReference"/>.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IGrainCallInvoker
{
    /// <summary>Sends <paramref name="request"/> to <paramref name="target"/> and returns the boxed result
    /// (null for void methods). Failures surface as the remote exception, a
    /// <see cref="GrainCallRejectedException"/>, or a <see cref="GrainCallTimeoutException"/>.</summary>
    ValueTask<object?> InvokeAsync(GrainReference target, GrainRequest request, CancellationToken cancellationToken);

    /// <summary>Calls a stream method and enumerates its results as they arrive.</summary>
    IAsyncEnumerable<object?> InvokeStreamAsync(GrainReference target, GrainRequest request, CancellationToken cancellationToken);

    /// <summary>The factory that turns grain ids into references for this invoker (used to read references passed as arguments).</summary>
    IGrainFactory GrainFactory { get; }
}
