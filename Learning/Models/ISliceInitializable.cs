namespace OrleansML.Learning.Models;

/// <summary>
/// A model that can write one contiguous slice of its initial parameters without building the whole vector,
/// so that a parameter shard holds memory for its slice only.
/// </summary>
/// <remarks>
/// The slice must equal, bit for bit, the same range of <see cref="IModel.InitializeParameters"/> for the same
/// seed: training results must not depend on how many shards split the model.
/// </remarks>
public interface ISliceInitializable : IModel
{
    /// <summary>
    /// Writes the initial values of parameters <paramref name="offset"/> to
    /// <paramref name="offset"/> + <paramref name="slice"/>.Length - 1 (global indices) for <paramref name="seed"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The range does not lie within <see cref="IModel.ParameterCount"/>.</exception>
    void InitializeSlice(Span<float> slice, int offset, int seed);
}
