namespace OrleansML.Runtime.Tests.Core;

/// <summary>Cluster tests run one at a time: they share two cores with everything else and measure concurrency.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CoreTestGroup
{
    public const string Name = "Core runtime";
}
