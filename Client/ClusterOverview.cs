using OrleansML.Runtime.Management;

namespace OrleansML.Client;

/// <summary>The cluster as <see cref="OrleansMLClient.GetClusterAsync"/> saw it.</summary>
/// <param name="Silos">Every silo in the membership table, by address.</param>
/// <param name="Activations">Activations per grain type on each Active silo.</param>
public sealed record ClusterOverview(IReadOnlyList<SiloDetails> Silos, IReadOnlyList<GrainTypeActivations> Activations)
{
    /// <summary>Activations of grain types whose name contains <paramref name="grainType"/>, over all silos.</summary>
    public int CountActivations(string grainType) =>
        Activations.Where(a => a.GrainType.Contains(grainType, StringComparison.Ordinal)).Sum(a => a.Count);
}
