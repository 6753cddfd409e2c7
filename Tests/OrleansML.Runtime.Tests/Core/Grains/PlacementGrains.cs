namespace OrleansML.Runtime.Tests.Core.Grains;

public interface ILocalPlacedGrain : IGrainWithIntegerKey
{
    Task<string> WhereAmI(int unused);
}

public interface IHashPlacedGrain : IGrainWithIntegerKey
{
    Task<string> WhereAmI(int unused);
}

[PreferLocalPlacement]
[GrainType("local-placed")]
public sealed class LocalPlacedGrain : Grain, ILocalPlacedGrain
{
    public Task<string> WhereAmI(int unused) => Task.FromResult(Context.Silo.ToString());
}

[HashBasedPlacement]
[GrainType("hash-placed")]
public sealed class HashPlacedGrain : Grain, IHashPlacedGrain
{
    public Task<string> WhereAmI(int unused) => Task.FromResult(Context.Silo.ToString());
}
