namespace OrleansML.Learning.Optimizers;

/// <summary>
/// AdaGrad (Duchi et al. 2011): h += g'^2, w -= rate * g' / (sqrt(h) + epsilon), g' = g + l2 * w.
/// State: one buffer of squared-gradient sums, starting at zero.
/// </summary>
internal sealed class AdaGradOptimizer : Optimizer
{
    public const string Name = "adagrad";
    private readonly LearningRateSchedule _schedule;
    private readonly float _epsilon;
    private readonly float _l2;

    public AdaGradOptimizer(LearningRateSchedule schedule, float epsilon, float l2Regularization)
    {
        _schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
        _epsilon = epsilon;
        _l2 = l2Regularization;
    }

    public override OptimizerState CreateState(int parameterCount) => new(Name, 1, parameterCount);

    public override void Apply(Span<float> parameters, ReadOnlySpan<float> gradient, OptimizerState state, long updateNumber)
    {
        OptimizerChecks.Dense(Name, parameters, gradient, state, updateNumber);
        float rate = _schedule.RateAt(updateNumber);
        Span<float> sums = state.Buffer(0);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float w = ref MemoryMarshal.GetReference(parameters);
            ref float g = ref MemoryMarshal.GetReference(gradient);
            ref float h = ref MemoryMarshal.GetReference(sums);
            var rateVector = Vector256.Create(rate);
            var epsilonVector = Vector256.Create(_epsilon);
            var l2Vector = Vector256.Create(_l2);
            for (; i <= parameters.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var wv = Vector256.LoadUnsafe(ref w, (nuint)i);
                var gv = Vector256.LoadUnsafe(ref g, (nuint)i) + (l2Vector * wv);
                var hv = Vector256.LoadUnsafe(ref h, (nuint)i) + (gv * gv);
                hv.StoreUnsafe(ref h, (nuint)i);
                (wv - (rateVector * gv / (Vector256.Sqrt(hv) + epsilonVector))).StoreUnsafe(ref w, (nuint)i);
            }
        }

        for (; i < parameters.Length; i++)
        {
            Update(ref parameters[i], ref sums[i], gradient[i], rate);
        }
    }

    public override void ApplySparse(Span<float> parameters, ReadOnlySpan<int> keys, ReadOnlySpan<float> values, OptimizerState state, long updateNumber)
    {
        OptimizerChecks.Sparse(Name, parameters, keys, values, state, updateNumber);
        float rate = _schedule.RateAt(updateNumber);
        Span<float> sums = state.Buffer(0);
        for (int i = 0; i < keys.Length; i++)
        {
            Update(ref parameters[keys[i]], ref sums[keys[i]], values[i], rate);
        }
    }

    private void Update(ref float weight, ref float sum, float gradient, float rate)
    {
        float decayed = gradient + (_l2 * weight);
        sum += decayed * decayed;
        weight -= rate * decayed / (MathF.Sqrt(sum) + _epsilon);
    }
}
