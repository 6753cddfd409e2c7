namespace OrleansML.Runtime;

/// <summary>Anything that can be addressed by the runtime: grains and their references.</summary>
public interface IAddressable;

/// <summary>Marker for grain interfaces. Derive from <see cref="IGrainWithStringKey"/> or <see cref="IGrainWithIntegerKey"/>.</summary>
public interface IGrain : IAddressable;

/// <summary>A grain interface whose grains are identified by a string key.</summary>
public interface IGrainWithStringKey : IGrain;

/// <summary>A grain interface whose grains are identified by a 64-bit integer key.</summary>
public interface IGrainWithIntegerKey : IGrain;
