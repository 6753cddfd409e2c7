namespace OrleansML.Runtime.Tests.Client;

/// <summary>Declares its grain type, and the class serving it agrees.</summary>
[GrainType("declared-echo")]
public interface IDeclaredEchoGrain : IGrainWithStringKey
{
    Task<string> Echo(string text);
}

/// <summary>Declares a grain type that no grain class in any loaded assembly has: a caller holding only this
/// interface is exactly a client without the silo's grain classes.</summary>
[GrainType("declared-unserved")]
public interface IUnservedGrain : IGrainWithStringKey
{
    Task<string> Echo(string text);
}

/// <summary>Declares a grain type other than that of the class implementing it.</summary>
[GrainType("declared-elsewhere")]
public interface IMisdeclaredGrain : IGrainWithStringKey
{
    Task<string> Echo(string text);
}

/// <summary>Declares the grain type of a class that does not implement it.</summary>
[GrainType("declared-echo")]
public interface IForeignDeclarationGrain : IGrainWithStringKey
{
    Task<string> Echo(string text);
}

/// <summary>Declares nothing, and no class implements it.</summary>
public interface IUndeclaredUnservedGrain : IGrainWithStringKey
{
    Task<string> Echo(string text);
}

[GrainType("declared-echo")]
public sealed class DeclaredEchoGrain : Grain, IDeclaredEchoGrain
{
    public Task<string> Echo(string text) => Task.FromResult($"{GetPrimaryKeyString()}: {text}");
}

[GrainType("misdeclared")]
public sealed class MisdeclaredGrain : Grain, IMisdeclaredGrain
{
    public Task<string> Echo(string text) => Task.FromResult(text);
}
