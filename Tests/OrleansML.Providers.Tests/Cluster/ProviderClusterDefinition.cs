namespace OrleansML.Providers.Tests.Cluster;

/// <summary>Test classes that share one <see cref="ProviderCluster"/>; they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class ProviderClusterDefinition : ICollectionFixture<ProviderCluster>
{
    public const string Name = "Provider cluster";
}
