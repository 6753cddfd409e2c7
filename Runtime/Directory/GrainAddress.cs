namespace OrleansML.Runtime.Directory;

/// <summary>Where one activation of a grain lives: the silo and the activation's unique id.</summary>
internal sealed record GrainAddress(GrainId GrainId, SiloAddress Silo, Guid ActivationId);
