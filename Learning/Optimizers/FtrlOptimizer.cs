namespace OrleansML.Learning.Optimizers;

/// <summary>
/// FTRL-Proximal (McMahan et al. 2013, "Ad Click Prediction", Algorithm 1) with per-coordinate rates.
/// State: buffers z and n. For each touched coordinate with gradient g:
/// sigma = (sqrt(n + g^2) - sqrt(n)) / alpha; z += g - sigma * w; n += g^2; then
/// w = 0 if |z| &lt;= lambda1, else -(z - sign(z) lambda1) / ((beta + sqrt(n)) / alpha + lambda2).
/// </summary>
/// <remarks>
/// The weights are a closed-form function of (z, n), so the parameters written are exactly zero for
/// every coordinate whose |z| stays within lambda1: that is the sparsity L1 buys. The parameter slice
/// must start at zero (or at the weights of the state) because w enters z through sigma * w.
/// A coordinate with g = 0 keeps n and z, so a dense step with a zero gradient leaves it unchanged.
/// </remarks>
internal sealed class FtrlOptimizer : Optimizer
{
    public const string Name = "ftrl";
    private readonly float _alpha;
    private readonly float _beta;
    private readonly float _l1;
    private readonly float _l2;

    public FtrlOptimizer(float alpha, float beta, float l1Regularization, float l2Regularization)
    {
        _alpha = alpha;
        _beta = beta;
        _l1 = l1Regularization;
        _l2 = l2Regularization;
    }

    public override OptimizerState CreateState(int parameterCount) => new(Name, 2, parameterCount);

    public override void Apply(Span<float> parameters, ReadOnlySpan<float> gradient, OptimizerState state, long updateNumber)
    {
        OptimizerChecks.Dense(Name, parameters, gradient, state, updateNumber);
        Span<float> zs = state.Buffer(0);
        Span<float> ns = state.Buffer(1);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float w = ref MemoryMarshal.GetReference(parameters);
            ref float g = ref MemoryMarshal.GetReference(gradient);
            ref float z = ref MemoryMarshal.GetReference(zs);
            ref float n = ref MemoryMarshal.GetReference(ns);
            var alpha = Vector256.Create(_alpha);
            var beta = Vector256.Create(_beta);
            var l1 = Vector256.Create(_l1);
            var l2 = Vector256.Create(_l2);
            for (; i <= parameters.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var wv = Vector256.LoadUnsafe(ref w, (nuint)i);
                var gv = Vector256.LoadUnsafe(ref g, (nuint)i);
                var nOld = Vector256.LoadUnsafe(ref n, (nuint)i);
                var nNew = nOld + (gv * gv);
                var rootNew = Vector256.Sqrt(nNew);
                var sigma = (rootNew - Vector256.Sqrt(nOld)) / alpha;
                var zv = Vector256.LoadUnsafe(ref z, (nuint)i) + (gv - (sigma * wv));
                zv.StoreUnsafe(ref z, (nuint)i);
                nNew.StoreUnsafe(ref n, (nuint)i);
                var signedL1 = Vector256.ConditionalSelect(Vector256.LessThan(zv, Vector256<float>.Zero), -l1, l1);
                var weight = -(zv - signedL1) / (((beta + rootNew) / alpha) + l2);
                var inside = Vector256.LessThanOrEqual(Vector256.Abs(zv), l1);
                Vector256.ConditionalSelect(inside, Vector256<float>.Zero, weight).StoreUnsafe(ref w, (nuint)i);
            }
        }

        for (; i < parameters.Length; i++)
        {
            Update(ref parameters[i], ref zs[i], ref ns[i], gradient[i]);
        }
    }

    public override void ApplySparse(Span<float> parameters, ReadOnlySpan<int> keys, ReadOnlySpan<float> values, OptimizerState state, long updateNumber)
    {
        OptimizerChecks.Sparse(Name, parameters, keys, values, state, updateNumber);
        Span<float> zs = state.Buffer(0);
        Span<float> ns = state.Buffer(1);
        for (int i = 0; i < keys.Length; i++)
        {
            int key = keys[i];
            Update(ref parameters[key], ref zs[key], ref ns[key], values[i]);
        }
    }

    private void Update(ref float weight, ref float z, ref float n, float gradient)
    {
        float nNew = n + (gradient * gradient);
        float rootNew = MathF.Sqrt(nNew);
        float sigma = (rootNew - MathF.Sqrt(n)) / _alpha;
        z += gradient - (sigma * weight);
        n = nNew;
        float signedL1 = z < 0 ? -_l1 : _l1;
        weight = MathF.Abs(z) <= _l1 ? 0f : -(z - signedL1) / (((_beta + rootNew) / _alpha) + _l2);
    }
}
