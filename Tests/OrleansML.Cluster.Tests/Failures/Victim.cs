namespace OrleansML.Cluster.Tests.Failures;

/// <summary>The part of a job whose silo process a test kills.</summary>
public enum Victim
{
    Worker,
    Shard,
    Coordinator,
}
