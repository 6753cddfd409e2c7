namespace OrleansML.Cli;

/// <summary>An <see cref="OrleansMLClient"/> and what keeps it alive (an Orleans client host, or an embedded
/// cluster), released together.</summary>
internal sealed class ClusterSession(OrleansMLClient client, string description, bool embedded, IAsyncDisposable owner) : IAsyncDisposable
{
    public OrleansMLClient Client { get; } = client;

    /// <summary>What the client is connected to, for messages (no secrets).</summary>
    public string Description { get; } = description;

    /// <summary>Whether the cluster lives in this process (and ends with it).</summary>
    public bool IsEmbedded { get; } = embedded;

    public ValueTask DisposeAsync() => owner.DisposeAsync();
}
