namespace OrleansML.Client;

/// <summary>The cluster as <see cref="OrleansMLClient.GetClusterAsync"/> saw it (from Orleans' management grain).</summary>
/// <param name="Silos">Every silo in the membership table, active or not.</param>
/// <param name="Activations">Activations per grain type on each active silo.</param>
public sealed record ClusterOverview(IReadOnlyList<SiloDetails> Silos, IReadOnlyList<GrainTypeActivations> Activations)
{
    /// <summary>Activations of grain types whose name contains <paramref name="grainType"/>, over all silos.</summary>
    public int CountActivations(string grainType) =>
        Activations.Where(a => a.GrainType.Contains(grainType, StringComparison.Ordinal)).Sum(a => a.Count);
}

/// <summary>One silo of the membership table.</summary>
/// <param name="Address">Its silo endpoint, <c>ip:port</c>.</param>
/// <param name="Name">Its name (<c>Orleans:Name</c>).</param>
/// <param name="Status">Orleans' status: Joining, Active, ShuttingDown, Stopping, Dead.</param>
/// <param name="GatewayPort">Its gateway port, 0 when it is not a gateway.</param>
/// <param name="StartTime">When it started.</param>
public sealed record SiloDetails(string Address, string Name, string Status, int GatewayPort, DateTimeOffset StartTime);

/// <summary>How many activations of one grain type one silo hosts.</summary>
/// <param name="Silo">The silo's address, as in <see cref="SiloDetails.Address"/>.</param>
/// <param name="GrainType">The grain class.</param>
/// <param name="Count">Its activations there.</param>
public sealed record GrainTypeActivations(string Silo, string GrainType, int Count);
