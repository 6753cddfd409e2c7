namespace OrleansML.Runtime.Messaging;

/// <summary>
/// The call chain of the request being served on this logical flow. Calls made while serving a request
/// carry its chain id, so a call that comes back to a grain already in the chain is admitted (A → B → A)
/// instead of deadlocking behind the request that made it.
/// </summary>
internal static class RequestContext
{
    private static readonly AsyncLocal<Guid> s_callChain = new();

    /// <summary>The current chain, or <see cref="Guid.Empty"/> outside any request.</summary>
    public static Guid CallChainId
    {
        get => s_callChain.Value;
        set => s_callChain.Value = value;
    }
}
