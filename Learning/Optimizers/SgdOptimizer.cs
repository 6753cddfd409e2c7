namespace OrleansML.Learning.Optimizers;

/// <summary>w -= rate * (g + l2 * w). Stateless.</summary>
/// <remarks>
/// The dense and sparse paths perform the same IEEE operations in the same order (no fused multiply-add),
/// so a key updates to the same bits whichever path a shard takes. This holds for every optimizer here.
/// </remarks>
internal sealed class SgdOptimizer : Optimizer
{
    public const string Name = "sgd";
    private readonly LearningRateSchedule _schedule;
    private readonly float _l2;

    public SgdOptimizer(LearningRateSchedule schedule, float l2Regularization)
    {
        _schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
        _l2 = l2Regularization;
    }

    public override OptimizerState CreateState(int parameterCount) => new(Name, 0, parameterCount);

    public override void Apply(Span<float> parameters, ReadOnlySpan<float> gradient, OptimizerState state, long updateNumber)
    {
        OptimizerChecks.Dense(Name, parameters, gradient, state, updateNumber);
        float rate = _schedule.RateAt(updateNumber);
        if (_l2 == 0)
        {
            // Multiply then subtract, deliberately unfused, to match the sparse path bit for bit.
            int i = 0;
            ref float w = ref MemoryMarshal.GetReference(parameters);
            ref float g = ref MemoryMarshal.GetReference(gradient);
            if (Vector256.IsHardwareAccelerated)
            {
                var rateVector = Vector256.Create(rate);
                for (; i <= parameters.Length - Vector256<float>.Count; i += Vector256<float>.Count)
                {
                    var wv = Vector256.LoadUnsafe(ref w, (nuint)i);
                    var gv = Vector256.LoadUnsafe(ref g, (nuint)i);
                    (wv - (rateVector * gv)).StoreUnsafe(ref w, (nuint)i);
                }
            }

            for (; i < parameters.Length; i++)
            {
                parameters[i] -= rate * gradient[i];
            }

            return;
        }

        ApplyWithDecay(parameters, gradient, rate);
    }

    public override void ApplySparse(Span<float> parameters, ReadOnlySpan<int> keys, ReadOnlySpan<float> values, OptimizerState state, long updateNumber)
    {
        OptimizerChecks.Sparse(Name, parameters, keys, values, state, updateNumber);
        float rate = _schedule.RateAt(updateNumber);
        for (int i = 0; i < keys.Length; i++)
        {
            ref float w = ref parameters[keys[i]];
            float g = _l2 == 0 ? values[i] : values[i] + (_l2 * w);
            w -= rate * g;
        }
    }

    private void ApplyWithDecay(Span<float> parameters, ReadOnlySpan<float> gradient, float rate)
    {
        int i = 0;
        ref float w = ref MemoryMarshal.GetReference(parameters);
        ref float g = ref MemoryMarshal.GetReference(gradient);
        if (Vector256.IsHardwareAccelerated)
        {
            var rateVector = Vector256.Create(rate);
            var l2Vector = Vector256.Create(_l2);
            for (; i <= parameters.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var wv = Vector256.LoadUnsafe(ref w, (nuint)i);
                var gv = Vector256.LoadUnsafe(ref g, (nuint)i) + (l2Vector * wv);
                (wv - (rateVector * gv)).StoreUnsafe(ref w, (nuint)i);
            }
        }

        for (; i < parameters.Length; i++)
        {
            float decayed = gradient[i] + (_l2 * parameters[i]);
            parameters[i] -= rate * decayed;
        }

    }
}
