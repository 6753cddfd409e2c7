namespace OrleansML.Training.Tests.Modes;

/// <summary>The mode and Fashion-MNIST tests run one class at a time: each keeps both cores busy, and the
/// throughput they report means something only when they do not compete with each other.</summary>
[CollectionDefinition(Name)]
public sealed class ModesTestGroup
{
    public const string Name = "Modes";
}
