using Microsoft.Extensions.Logging;
using OrleansML.Runtime.Membership;
using OrleansML.Runtime.Messaging;

namespace OrleansML.Runtime.Management;

/// <summary>
/// Answers <see cref="IManagementGrain"/>: silos straight from the membership table (so the answer is the
/// table's, not this silo's possibly older view), activation counts by asking each Active silo's catalog
/// through a system request addressed to that silo. Reentrant: its calls only wait on other silos.
/// </summary>
[GrainType("orleansml-management")]
[PreferLocalPlacement]
[Reentrant]
internal sealed partial class ManagementGrain(
    IMembershipTable table,
    SystemTargetClient systemTargets,
    ILogger<ManagementGrain> logger) : Grain, IManagementGrain
{
    public async Task<SiloDetails[]> GetSilosAsync(bool activeOnly)
    {
        MembershipSnapshot snapshot = await table.ReadAllAsync(CancellationToken.None);
        return
        [
            .. snapshot.Entries
                .Where(e => !activeOnly || e.Status == SiloStatus.Active)
                .OrderBy(e => e.Silo, Comparer<SiloAddress>.Create(SiloAddress.Compare))
                .Select(e => new SiloDetails(e.Silo.ToString(), e.SiloName, e.Status.ToString(), e.GatewayPort, e.StartTime)),
        ];
    }

    public async Task<GrainTypeActivations[]> GetActivationCountsAsync()
    {
        MembershipSnapshot snapshot = await table.ReadAllAsync(CancellationToken.None);
        IReadOnlyList<SiloAddress> active = snapshot.ActiveSilos;
        Task<GrainTypeActivations[]>[] asks = [.. active.Select(AskSiloAsync)];
        GrainTypeActivations[][] answers = await Task.WhenAll(asks);
        return [.. answers.SelectMany(a => a).OrderBy(a => a.Silo, StringComparer.Ordinal).ThenBy(a => a.GrainType, StringComparer.Ordinal)];
    }

    private async Task<GrainTypeActivations[]> AskSiloAsync(SiloAddress silo)
    {
        try
        {
            object? result = await systemTargets.InvokeAsync(silo, new ActivationCountsRequest(), timeout: null, CancellationToken.None);
            return (GrainTypeActivations[]?)result ?? [];
        }
        catch (Exception e) when (e is SiloUnavailableException or GrainCallTimeoutException or GrainCallRejectedException)
        {
            // A silo that died after the table read has no activations to report; the rest of the answer stands.
            LogSiloDidNotAnswer(logger, silo, e.Message);
            return [];
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {Silo} did not report its activations: {Reason}")]
    private static partial void LogSiloDidNotAnswer(ILogger logger, SiloAddress silo, string reason);
}
