namespace OrleansML.Learning.Optimizers;

/// <summary>Argument checks shared by the optimizers, so every rule rejects bad calls the same way.</summary>
internal static class OptimizerChecks
{
    public static void Dense(string name, Span<float> parameters, ReadOnlySpan<float> gradient, OptimizerState state, long updateNumber)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (gradient.Length != parameters.Length)
        {
            throw new ArgumentException($"gradient has {gradient.Length} values but the slice has {parameters.Length} parameters.", nameof(gradient));
        }

        state.EnsureCompatible(name, parameters.Length);
        ArgumentOutOfRangeException.ThrowIfLessThan(updateNumber, 1L);
    }

    public static void Sparse(string name, Span<float> parameters, ReadOnlySpan<int> keys, ReadOnlySpan<float> values, OptimizerState state, long updateNumber)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (keys.Length != values.Length)
        {
            throw new ArgumentException($"{keys.Length} keys but {values.Length} values.", nameof(values));
        }

        state.EnsureCompatible(name, parameters.Length);
        ArgumentOutOfRangeException.ThrowIfLessThan(updateNumber, 1L);
        foreach (int key in keys)
        {
            if ((uint)key >= (uint)parameters.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(keys), $"key {key} is outside the slice of {parameters.Length} parameters.");
            }
        }
    }
}
