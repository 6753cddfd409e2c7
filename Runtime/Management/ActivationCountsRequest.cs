using OrleansML.Runtime.Activation;
using OrleansML.Runtime.Messaging;
using OrleansML.Runtime.Serialization;

namespace OrleansML.Runtime.Management;

/// <summary>
/// Asks one silo for its activations per grain class. A system request, so it reaches exactly the silo it
/// is addressed to (no placement, no directory) and runs outside any activation's turn.
/// </summary>
internal sealed class ActivationCountsRequest : SystemRequest
{
    public const string TargetType = "sys.catalog";

    public override string SystemTargetType => TargetType;

    public override string InterfaceName => "OrleansML.Runtime.Management.ISiloCatalogStatistics";

    public override string MethodName => "GetActivationCounts";

    public override ValueTask<object?> InvokeAsync(object grain, CancellationToken callCancellation) =>
        ValueTask.FromResult<object?>(((CatalogStatistics)grain).GetActivationCounts());

    public override void WriteResult(ref BodyWriter writer, object? result) =>
        writer.Write((GrainTypeActivations[]?)result);

    public override object? ReadResult(ref BodyReader reader) => reader.Read<GrainTypeActivations[]?>();

    public override Invocation.GrainRequest CreateEmpty() => new ActivationCountsRequest();
}

/// <summary>The system target behind <see cref="ActivationCountsRequest"/>: counts this silo's catalog.</summary>
internal sealed class CatalogStatistics(Catalog catalog, MessageCenter messageCenter)
{
    public GrainTypeActivations[] GetActivationCounts()
    {
        string silo = messageCenter.LocalSilo.ToString();
        return
        [
            .. catalog.Activations
                .GroupBy(a => a.GrainClass.GrainClass.FullName ?? a.GrainClass.GrainClass.Name, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new GrainTypeActivations(silo, g.Key, g.Count())),
        ];
    }
}
