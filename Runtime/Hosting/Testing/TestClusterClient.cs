using OrleansML.Runtime.Invocation;
using OrleansML.Runtime.Messaging;

namespace OrleansML.Runtime.Testing;

/// <summary>
/// The test's grain factory: each call is sent from a live silo of the cluster (the first one alive), so
/// references keep working when silos stop or are killed. The external network client comes separately.
/// </summary>
internal sealed class TestClusterClient : IGrainCallInvoker
{
    private readonly TestCluster _cluster;

    public TestClusterClient(TestCluster cluster)
    {
        _cluster = cluster;
        GrainFactory = new GrainFactory(this);
    }

    public IGrainFactory GrainFactory { get; }

    public ValueTask<object?> InvokeAsync(GrainReference target, GrainRequest request, CancellationToken cancellationToken) =>
        Gateway().InvokeAsync(target, request, cancellationToken);

    public IAsyncEnumerable<object?> InvokeStreamAsync(GrainReference target, GrainRequest request, CancellationToken cancellationToken) =>
        Gateway().InvokeStreamAsync(target, request, cancellationToken);

    private RuntimeClient Gateway()
    {
        IReadOnlyList<TestSilo> live = _cluster.Silos;
        return live.Count > 0 ? live[0].RuntimeClient : throw new SiloUnavailableException("No silo of the test cluster is alive.");
    }
}
