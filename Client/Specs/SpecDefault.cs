namespace OrleansML.Client.Specs;

/// <summary>One row of the defaults table.</summary>
/// <param name="Path">The field's JSON path in a spec file, without the leading <c>$.</c> (<c>optimizer.learningRate</c>).</param>
/// <param name="Default">The value a spec file, a flag or a new <see cref="Jobs.TrainingSpec"/> gets when it leaves the field out.</param>
/// <param name="Flag">The <c>orleansml train</c> flag that sets the field, or null.</param>
/// <param name="Description">What the field does, in one line.</param>
public sealed record SpecDefault(string Path, string Default, string? Flag, string Description);
