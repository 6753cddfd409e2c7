using Microsoft.Extensions.Options;
using OrleansML.Runtime.Hosting;

namespace OrleansML.Runtime.Activation;

/// <summary>
/// Deactivates activations idle longer than <see cref="SiloOptions.CollectionAge"/>, scanning every
/// <see cref="SiloOptions.CollectionQuantum"/> on the injected <see cref="TimeProvider"/> (so tests can
/// advance a fake clock instead of waiting 15 minutes).
/// </summary>
internal sealed class ActivationCollector(Catalog catalog, TimeProvider time, IOptions<SiloOptions> options) : IDisposable
{
    private ITimer? _timer;

    public void Start()
    {
        TimeSpan quantum = options.Value.CollectionQuantum;
        _timer = time.CreateTimer(static state => ((ActivationCollector)state!).Scan(), this, quantum, quantum);
    }

    /// <summary>One scan (also called by tests).</summary>
    public int Scan() => catalog.CollectIdle(options.Value.CollectionAge);

    public void Dispose() => _timer?.Dispose();
}
