namespace OrleansML.Training.Tests.Faults;

/// <summary>The fault tests kill silos and time recovery: they run one at a time and alone, so that another
/// cluster's load on the 2 cores does not stretch failure detection past the coordinator's retries.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultTestGroup
{
    public const string Name = "Faults";
}
