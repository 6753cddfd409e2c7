namespace OrleansML.Providers.Tests.Restarts;

/// <summary>
/// Tests that stop and start the shared services. xUnit runs a collection without parallelization alone, after
/// every parallel one has finished (and disposed its cluster), so no other test sees the outage.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ServiceRestartDefinition
{
    public const string Name = "Service restarts";
}
