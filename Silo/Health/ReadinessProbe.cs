using Orleans.Runtime;
using Orleans.Storage;
using OrleansML.Learning.Storage;

namespace OrleansML.Silo.Health;

/// <summary>The outcome of one readiness check: its name, whether it passed, and what it saw.</summary>
internal readonly record struct CheckResult(string Name, bool Passed, string Detail);

/// <summary>
/// What <c>/readyz</c> checks, each within <see cref="HealthOptions.ProbeTimeout"/>: the host is not stopping, this
/// silo is Active in its own membership view, the <c>Default</c> grain storage answers a read, and the blob store
/// answers an existence query. Reads only: a probe writes nothing, so frequent probes cost no storage writes.
/// </summary>
internal sealed class ReadinessProbe(IServiceProvider services, HealthOptions options, TimeProvider time)
{
    /// <summary>A grain id no grain uses; reading its state shows the storage answers (absent state is an answer).</summary>
    private static readonly GrainId s_probeGrain = GrainId.Create("orleansml-readiness-probe", "probe");

    /// <summary>A blob name no component writes.</summary>
    private const string ProbeBlob = "health/readiness-probe";

    public async Task<IReadOnlyList<CheckResult>> RunAsync(CancellationToken cancellationToken)
    {
        var lifetime = services.GetRequiredService<IHostApplicationLifetime>();
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return [new CheckResult("host", false, "stopping")];
        }

        CheckResult[] results = await Task.WhenAll(
            CheckAsync("membership", CheckMembershipAsync, cancellationToken),
            CheckAsync("grain-storage", CheckGrainStorageAsync, cancellationToken),
            CheckAsync("blob-store", CheckBlobStoreAsync, cancellationToken));
        return results;
    }

    private Task<string> CheckMembershipAsync(CancellationToken cancellationToken)
    {
        SiloAddress self = services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        SiloStatus status = services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.GetSiloStatus(self);
        return status == SiloStatus.Active
            ? Task.FromResult($"{self} Active")
            : throw new ProbeFailedException($"{self} is {status} in this silo's membership view");
    }

    private async Task<string> CheckGrainStorageAsync(CancellationToken cancellationToken)
    {
        IGrainStorage storage = services.GetKeyedService<IGrainStorage>(ProviderSettings.DefaultStorageName)
            ?? throw new ProbeFailedException($"no grain storage named {ProviderSettings.DefaultStorageName}");
        // Orleans' storage interface takes no token: the timeout abandons the read rather than cancelling it.
        await storage.ReadStateAsync("readiness", s_probeGrain, new GrainState<ProbeState>()).WaitAsync(cancellationToken);
        return $"{storage.GetType().Name} answered";
    }

    private async Task<string> CheckBlobStoreAsync(CancellationToken cancellationToken)
    {
        IBlobStore store = services.GetRequiredService<IBlobStore>();
        await store.ExistsAsync(ProbeBlob, cancellationToken);
        return $"{store.GetType().Name} answered";
    }

    private async Task<CheckResult> CheckAsync(string name, Func<CancellationToken, Task<string>> check, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(options.ProbeTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return new CheckResult(name, true, await check(linked.Token));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new CheckResult(name, false, $"no answer within {options.ProbeTimeout.TotalSeconds:0.###} s");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return new CheckResult(name, false, Describe(exception));
        }
    }

    // The first line of the message only: storage errors can run long; OrleansML's and the Azure SDK's messages
    // name endpoints, never keys.
    private static string Describe(Exception exception) => exception is ProbeFailedException
        ? exception.Message
        : $"{exception.GetType().Name}: {exception.Message.Split('\n', 2)[0].Trim()}";

    private sealed class ProbeFailedException(string message) : Exception(message);

    /// <summary>The state type of the probe read: never written, so never serialized; providers create an empty one.</summary>
    private sealed class ProbeState;
}
