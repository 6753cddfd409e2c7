namespace OrleansML.Benchmarks.Peers;

/// <summary>A system the peers benchmark times on a Fashion-MNIST task.</summary>
internal interface IPeer
{
    string Name { get; }

    /// <summary>Null when the peer can run here, otherwise why not (printed as "not installed: ...").</summary>
    string? Unavailable => null;

    bool Supports(PeerTask task) => true;

    Task<PeerRun> RunAsync(PeerTask task, PeerData data, CancellationToken cancellationToken);
}
