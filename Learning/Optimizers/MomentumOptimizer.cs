namespace OrleansML.Learning.Optimizers;

/// <summary>
/// Heavy-ball momentum: v = mu * v + g', then w -= rate * v (classical) or w -= rate * (g' + mu * v)
/// (Nesterov, in the form used by PyTorch and Keras), where g' = g + l2 * w. State: one velocity buffer.
/// </summary>
internal sealed class MomentumOptimizer : Optimizer
{
    public const string Name = "momentum";
    private readonly LearningRateSchedule _schedule;
    private readonly float _momentum;
    private readonly bool _nesterov;
    private readonly float _l2;

    public MomentumOptimizer(LearningRateSchedule schedule, float momentum, bool nesterov, float l2Regularization)
    {
        _schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
        _momentum = momentum;
        _nesterov = nesterov;
        _l2 = l2Regularization;
    }

    public override OptimizerState CreateState(int parameterCount) => new(Name, 1, parameterCount);

    public override void Apply(Span<float> parameters, ReadOnlySpan<float> gradient, OptimizerState state, long updateNumber)
    {
        OptimizerChecks.Dense(Name, parameters, gradient, state, updateNumber);
        float rate = _schedule.RateAt(updateNumber);
        Span<float> velocity = state.Buffer(0);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float w = ref MemoryMarshal.GetReference(parameters);
            ref float g = ref MemoryMarshal.GetReference(gradient);
            ref float v = ref MemoryMarshal.GetReference(velocity);
            var rateVector = Vector256.Create(rate);
            var momentumVector = Vector256.Create(_momentum);
            var l2Vector = Vector256.Create(_l2);
            for (; i <= parameters.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var wv = Vector256.LoadUnsafe(ref w, (nuint)i);
                var gv = Vector256.LoadUnsafe(ref g, (nuint)i) + (l2Vector * wv);
                var vv = (momentumVector * Vector256.LoadUnsafe(ref v, (nuint)i)) + gv;
                vv.StoreUnsafe(ref v, (nuint)i);
                var step = _nesterov ? gv + (momentumVector * vv) : vv;
                (wv - (rateVector * step)).StoreUnsafe(ref w, (nuint)i);
            }
        }

        for (; i < parameters.Length; i++)
        {
            Update(ref parameters[i], ref velocity[i], gradient[i], rate);
        }
    }

    public override void ApplySparse(Span<float> parameters, ReadOnlySpan<int> keys, ReadOnlySpan<float> values, OptimizerState state, long updateNumber)
    {
        OptimizerChecks.Sparse(Name, parameters, keys, values, state, updateNumber);
        float rate = _schedule.RateAt(updateNumber);
        Span<float> velocity = state.Buffer(0);
        for (int i = 0; i < keys.Length; i++)
        {
            Update(ref parameters[keys[i]], ref velocity[keys[i]], values[i], rate);
        }
    }

    private void Update(ref float weight, ref float velocity, float gradient, float rate)
    {
        float decayed = gradient + (_l2 * weight);
        velocity = (_momentum * velocity) + decayed;
        float step = _nesterov ? decayed + (_momentum * velocity) : velocity;
        weight -= rate * step;
    }
}
