namespace OrleansML.Training.Tests.TestSupport;

/// <summary>A 2-silo training cluster with default settings, shared by a test class.</summary>
public sealed class TwoSiloCluster() : ClusterFixture(2);
