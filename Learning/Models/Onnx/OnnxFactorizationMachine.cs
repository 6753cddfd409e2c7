namespace OrleansML.Learning.Models.Onnx;

/// <summary>
/// A factorization machine as an ONNX graph over dense rows: ŷ = w0 + x·w + ½ Σ_f ((x·V)_f² − (x²·V²)_f), through a
/// sigmoid for binary classification. V² (the squared factors) is precomputed, so the graph has two MatMuls.
/// </summary>
internal static class OnnxFactorizationMachine
{
    public static int Build(OnnxGraph graph, string features, ReadOnlySpan<float> p, ModelSpec spec, string output)
    {
        int featureCount = spec.FeatureCount;
        int factors = spec.FactorCount;
        var weights = new float[featureCount];
        var v = new float[featureCount * factors];
        var vSquared = new float[featureCount * factors];
        for (int i = 0; i < featureCount; i++)
        {
            // Layout: w0, then per feature i: w_i, v_i[0..k).
            int start = 1 + (i * (factors + 1));
            weights[i] = p[start];
            for (int f = 0; f < factors; f++)
            {
                float value = p[start + 1 + f];
                v[(i * factors) + f] = value;
                vSquared[(i * factors) + f] = value * value;
            }
        }

        string w = graph.Initializer("weights", weights, featureCount, 1);
        string w0 = graph.Initializer("global_bias", p[..1], 1);
        string vName = graph.Initializer("factors", v, featureCount, factors);
        string v2Name = graph.Initializer("factors_squared", vSquared, featureCount, factors);
        string half = graph.Initializer("half", [0.5f], 1);
        string axes = graph.Int64Initializer("sum_axes", 1);

        string linear = graph.Node("Gemm", "linear", [features, w, w0]);
        string xv = graph.Node("MatMul", "xv", [features, vName]);
        string xvSquared = graph.Node("Mul", "xv_squared", [xv, xv]);
        string xSquared = graph.Node("Mul", "x_squared", [features, features]);
        string x2v2 = graph.Node("MatMul", "x2v2", [xSquared, v2Name]);
        string difference = graph.Node("Sub", "difference", [xvSquared, x2v2]);
        string sum = graph.Node("ReduceSum", "pair_sum", [difference, axes], OnnxGraph.Int("keepdims", 1));
        string pairwise = graph.Node("Mul", "pairwise", [sum, half]);
        bool binary = spec.FactorizationTask == ModelTask.BinaryClassification;
        string raw = graph.Node("Add", binary ? "logit" : output, [linear, pairwise]);
        if (binary)
        {
            graph.Node("Sigmoid", output, [raw]);
        }

        return 1;
    }
}
