namespace OrleansML.Learning.Optimizers;

/// <summary>
/// Adam (Kingma and Ba 2015) with bias correction from the update number t:
/// m = b1 m + (1-b1) g', v = b2 v + (1-b2) g'^2, w -= rate * m_hat / (sqrt(v_hat) + epsilon),
/// m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t), g' = g + l2 * w. State: buffers m and v.
/// </summary>
/// <remarks>
/// Sparse updates are "lazy Adam": only the touched keys' moments decay and update, and the bias
/// correction uses the slice's global update number t. A key seen rarely therefore keeps stale moments
/// instead of having them decayed toward zero on every step, which is what makes Adam usable for
/// hashed sparse models (as in TensorFlow's LazyAdam).
/// The correction is folded into a step size rate * sqrt(1-b2^t)/(1-b1^t) and an epsilon of
/// epsilon * sqrt(1-b2^t), an exact rewrite that saves two divisions per parameter.
/// </remarks>
internal sealed class AdamOptimizer : Optimizer
{
    public const string Name = "adam";
    private readonly LearningRateSchedule _schedule;
    private readonly float _beta1;
    private readonly float _beta2;
    private readonly float _epsilon;
    private readonly float _l2;

    public AdamOptimizer(LearningRateSchedule schedule, float beta1, float beta2, float epsilon, float l2Regularization)
    {
        _schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
        _beta1 = beta1;
        _beta2 = beta2;
        _epsilon = epsilon;
        _l2 = l2Regularization;
    }

    public override OptimizerState CreateState(int parameterCount) => new(Name, 2, parameterCount);

    public override void Apply(Span<float> parameters, ReadOnlySpan<float> gradient, OptimizerState state, long updateNumber)
    {
        OptimizerChecks.Dense(Name, parameters, gradient, state, updateNumber);
        (float stepSize, float epsilon) = CorrectedStep(updateNumber);
        Span<float> first = state.Buffer(0);
        Span<float> second = state.Buffer(1);
        int i = KernelSupport.Level == SimdLevel.Avx512 ? ApplyWide(parameters, gradient, first, second, stepSize, epsilon) : 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float w = ref MemoryMarshal.GetReference(parameters);
            ref float g = ref MemoryMarshal.GetReference(gradient);
            ref float m = ref MemoryMarshal.GetReference(first);
            ref float v = ref MemoryMarshal.GetReference(second);
            var beta1 = Vector256.Create(_beta1);
            var oneMinusBeta1 = Vector256.Create(1 - _beta1);
            var beta2 = Vector256.Create(_beta2);
            var oneMinusBeta2 = Vector256.Create(1 - _beta2);
            var stepVector = Vector256.Create(stepSize);
            var epsilonVector = Vector256.Create(epsilon);
            var l2Vector = Vector256.Create(_l2);
            for (; i <= parameters.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var wv = Vector256.LoadUnsafe(ref w, (nuint)i);
                var gv = Vector256.LoadUnsafe(ref g, (nuint)i) + (l2Vector * wv);
                var mv = (beta1 * Vector256.LoadUnsafe(ref m, (nuint)i)) + (oneMinusBeta1 * gv);
                var vv = (beta2 * Vector256.LoadUnsafe(ref v, (nuint)i)) + (oneMinusBeta2 * (gv * gv));
                mv.StoreUnsafe(ref m, (nuint)i);
                vv.StoreUnsafe(ref v, (nuint)i);
                (wv - (stepVector * mv / (Vector256.Sqrt(vv) + epsilonVector))).StoreUnsafe(ref w, (nuint)i);
            }
        }

        for (; i < parameters.Length; i++)
        {
            Update(ref parameters[i], ref first[i], ref second[i], gradient[i], stepSize, epsilon);
        }
    }

    public override void ApplySparse(Span<float> parameters, ReadOnlySpan<int> keys, ReadOnlySpan<float> values, OptimizerState state, long updateNumber)
    {
        OptimizerChecks.Sparse(Name, parameters, keys, values, state, updateNumber);
        (float stepSize, float epsilon) = CorrectedStep(updateNumber);
        Span<float> first = state.Buffer(0);
        Span<float> second = state.Buffer(1);
        for (int i = 0; i < keys.Length; i++)
        {
            int key = keys[i];
            Update(ref parameters[key], ref first[key], ref second[key], values[i], stepSize, epsilon);
        }
    }

    private int ApplyWide(Span<float> parameters, ReadOnlySpan<float> gradient, Span<float> first, Span<float> second, float stepSize, float epsilon)
    {
        ref float w = ref MemoryMarshal.GetReference(parameters);
        ref float g = ref MemoryMarshal.GetReference(gradient);
        ref float m = ref MemoryMarshal.GetReference(first);
        ref float v = ref MemoryMarshal.GetReference(second);
        var beta1 = Vector512.Create(_beta1);
        var oneMinusBeta1 = Vector512.Create(1 - _beta1);
        var beta2 = Vector512.Create(_beta2);
        var oneMinusBeta2 = Vector512.Create(1 - _beta2);
        var stepVector = Vector512.Create(stepSize);
        var epsilonVector = Vector512.Create(epsilon);
        var l2Vector = Vector512.Create(_l2);
        int i = 0;
        for (; i <= parameters.Length - Vector512<float>.Count; i += Vector512<float>.Count)
        {
            var wv = Vector512.LoadUnsafe(ref w, (nuint)i);
            var gv = Vector512.LoadUnsafe(ref g, (nuint)i) + (l2Vector * wv);
            var mv = (beta1 * Vector512.LoadUnsafe(ref m, (nuint)i)) + (oneMinusBeta1 * gv);
            var vv = (beta2 * Vector512.LoadUnsafe(ref v, (nuint)i)) + (oneMinusBeta2 * (gv * gv));
            mv.StoreUnsafe(ref m, (nuint)i);
            vv.StoreUnsafe(ref v, (nuint)i);
            (wv - (stepVector * mv / (Vector512.Sqrt(vv) + epsilonVector))).StoreUnsafe(ref w, (nuint)i);
        }

        return i;
    }

    private (float StepSize, float Epsilon) CorrectedStep(long updateNumber)
    {
        // Powers in double: at t in the millions, float's b2^t loses the correction entirely.
        double firstCorrection = 1 - Math.Pow(_beta1, updateNumber);
        double secondRoot = Math.Sqrt(1 - Math.Pow(_beta2, updateNumber));
        double rate = _schedule.RateAt(updateNumber);
        return ((float)(rate * secondRoot / firstCorrection), (float)(_epsilon * secondRoot));
    }

    private void Update(ref float weight, ref float first, ref float second, float gradient, float stepSize, float epsilon)
    {
        float decayed = gradient + (_l2 * weight);
        first = (_beta1 * first) + ((1 - _beta1) * decayed);
        second = (_beta2 * second) + ((1 - _beta2) * (decayed * decayed));
        weight -= stepSize * first / (MathF.Sqrt(second) + epsilon);
    }
}
