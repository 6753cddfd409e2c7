using OrleansML.Runtime.Membership;

namespace OrleansML.Runtime.Messaging;

/// <summary>Liveness probes over the normal silo connection, for the membership agent's failure detector.</summary>
internal sealed class SiloProber(SystemTargetClient client) : ISiloProber
{
    public const string TargetType = "sys.ping";

    public async Task<bool> ProbeAsync(SiloAddress target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await client.InvokeAsync(target, new PingRequest(), timeout, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is SiloUnavailableException or GrainCallTimeoutException or GrainCallRejectedException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>The ping handler: answering is the whole point.</summary>
    internal sealed class PingTarget;

    internal sealed class PingRequest : SystemRequest
    {
        public override string SystemTargetType => TargetType;

        public override string InterfaceName => "OrleansML.Runtime.Messaging.ISiloPing";

        public override string MethodName => "Ping";

        public override ValueTask<object?> InvokeAsync(object grain, CancellationToken callCancellation) => ValueTask.FromResult<object?>(null);

        public override Invocation.GrainRequest CreateEmpty() => new PingRequest();
    }
}
