using System.Diagnostics.Metrics;

namespace OrleansML.Runtime.Membership;

/// <summary>The membership counters (meter "OrleansML.Runtime.Membership"), tagged with the local silo.</summary>
internal sealed class MembershipInstruments : IDisposable
{
    public const string MeterName = "OrleansML.Runtime.Membership";

    private readonly Meter? _ownedMeter;
    private readonly Lazy<KeyValuePair<string, object?>> _siloTag;

    /// <param name="localSilo">Read at the first count, when the silo's address is known (it binds after construction).</param>
    /// <param name="meterFactory">The host's meter factory, or null for a meter of its own.</param>
    public MembershipInstruments(Func<SiloAddress> localSilo, IMeterFactory? meterFactory)
    {
        ArgumentNullException.ThrowIfNull(localSilo);
        Meter meter = meterFactory?.Create(MeterName) ?? (_ownedMeter = new Meter(MeterName));
        _siloTag = new(() => new KeyValuePair<string, object?>("silo", localSilo().ToString()));
        ProbesSent = meter.CreateCounter<long>("orleansml.membership.probes.sent", description: "Probes sent to peers.");
        ProbesFailed = meter.CreateCounter<long>("orleansml.membership.probes.failed", description: "Probes that timed out or failed.");
        VotesCast = meter.CreateCounter<long>("orleansml.membership.votes.cast", description: "Suspicion votes written to the table.");
        SilosDeclaredDead = meter.CreateCounter<long>("orleansml.membership.silos.declared.dead", description: "Silos this silo declared dead with the deciding vote.");
    }

    public Counter<long> ProbesSent { get; }

    public Counter<long> ProbesFailed { get; }

    public Counter<long> VotesCast { get; }

    public Counter<long> SilosDeclaredDead { get; }

    public void Add(Counter<long> counter) => counter.Add(1, _siloTag.Value);

    public void Dispose() => _ownedMeter?.Dispose();
}
