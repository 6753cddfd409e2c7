namespace OrleansML.Runtime.Management;

/// <summary>
/// The cluster as operators see it: its silos from the membership table, and the activations each live silo
/// hosts per grain type. Any silo answers (key 0); tools reach it through a cluster client.
/// </summary>
public interface IManagementGrain : IGrainWithIntegerKey
{
    /// <summary>The silos in the membership table (only Active ones when <paramref name="activeOnly"/>), by address.</summary>
    Task<SiloDetails[]> GetSilosAsync(bool activeOnly);

    /// <summary>Activations per grain type on every Active silo.</summary>
    Task<GrainTypeActivations[]> GetActivationCountsAsync();
}

/// <summary>One silo as the membership table lists it.</summary>
/// <param name="Address">Its identity, host:port:generation.</param>
/// <param name="Name">Its configured name.</param>
/// <param name="Status">Joining, Active, ShuttingDown or Dead.</param>
/// <param name="GatewayPort">The port clients connect to (0: not a gateway).</param>
/// <param name="StartTime">When it started.</param>
public sealed record SiloDetails(string Address, string Name, string Status, int GatewayPort, DateTimeOffset StartTime);

/// <summary>Activations of one grain type on one silo.</summary>
/// <param name="Silo">The silo's address.</param>
/// <param name="GrainType">The grain class's type name.</param>
/// <param name="Count">Activations.</param>
public sealed record GrainTypeActivations(string Silo, string GrainType, int Count);
