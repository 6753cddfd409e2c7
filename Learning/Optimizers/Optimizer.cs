namespace OrleansML.Learning.Optimizers;

/// <summary>
/// Updates a slice of parameters from a gradient slice. Optimizers are stateless objects configured by
/// their settings; all per-parameter memory lives in an <see cref="OptimizerState"/> created for the
/// slice, so that a parameter shard can checkpoint and restore it.
/// </summary>
/// <remarks>
/// <c>updateNumber</c> is the 1-based count of updates applied to the slice, including this one; it drives
/// learning-rate schedules and Adam's bias correction. Sparse updates touch only the given keys
/// (indices into the slice); optimizers with moment estimates update those lazily, as is usual.
/// </remarks>
public abstract class Optimizer
{
    /// <summary>Creates zeroed state for a slice of <paramref name="parameterCount"/> parameters.</summary>
    public abstract OptimizerState CreateState(int parameterCount);

    /// <summary>Applies a dense gradient (same length as <paramref name="parameters"/>).</summary>
    public abstract void Apply(Span<float> parameters, ReadOnlySpan<float> gradient, OptimizerState state, long updateNumber);

    /// <summary>Applies a sparse gradient: <paramref name="values"/>[i] is the gradient at <paramref name="keys"/>[i].</summary>
    public abstract void ApplySparse(Span<float> parameters, ReadOnlySpan<int> keys, ReadOnlySpan<float> values, OptimizerState state, long updateNumber);
}
