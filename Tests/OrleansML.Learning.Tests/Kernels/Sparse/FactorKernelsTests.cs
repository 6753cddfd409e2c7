namespace OrleansML.Learning.Tests.Kernels.Sparse;

public class FactorKernelsTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(3, 5)]
    [InlineData(8, 9)]
    [InlineData(13, 17)]
    [InlineData(16, 40)]
    public void Factor_sums_and_pairwise_term_match_the_quadratic_definition(int factorCount, int rowLength)
    {
        var random = new Random(factorCount * 100 + rowLength);
        const int FeatureCount = 30;
        int stride = factorCount + 1;
        float[] parameters = new float[2 + (FeatureCount * stride)];
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] = (float)(random.NextDouble() - 0.5);
        }

        int[] ids = Enumerable.Range(0, rowLength).Select(_ => random.Next(FeatureCount)).ToArray();
        float[] values = Enumerable.Range(0, rowLength).Select(_ => (float)(random.NextDouble() * 2)).ToArray();
        float[] sums = new float[factorCount];
        float[] squareSums = new float[factorCount];
        float linear = FactorKernels.AccumulateRow(ids, values, parameters, 1, stride, sums, squareSums, KernelSupport.Level);
        double expectedLinear = 0;
        for (int j = 0; j < rowLength; j++)
        {
            expectedLinear += (double)values[j] * parameters[1 + (ids[j] * stride)];
        }

        Assert.Equal(expectedLinear, linear, 1e-4);

        double pairwise = 0;
        for (int f = 0; f < factorCount; f++)
        {
            double sum = 0, squares = 0;
            for (int j = 0; j < rowLength; j++)
            {
                double term = values[j] * parameters[2 + (ids[j] * stride) + f];
                sum += term;
                squares += term * term;
            }

            Assert.Equal(sum, sums[f], 1e-4);
            Assert.Equal(squares, squareSums[f], 1e-4);
        }

        // Σ_{a<b} <v_a, v_b> x_a x_b over nonzero positions, the definition the O(k·nnz) form rewrites.
        for (int a = 0; a < rowLength; a++)
        {
            for (int b = a + 1; b < rowLength; b++)
            {
                for (int f = 0; f < factorCount; f++)
                {
                    pairwise += (double)parameters[2 + (ids[a] * stride) + f] * parameters[2 + (ids[b] * stride) + f] * values[a] * values[b];
                }
            }
        }

        Assert.Equal(pairwise, FactorKernels.PairwiseInteraction(sums, squareSums), 1e-3);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(11)]
    [InlineData(16)]
    public void Split_factor_gradient_equals_the_sum_of_per_occurrence_partials(int factorCount)
    {
        // Σ_occ t · (sums_row − x · v) = Σ_occ t · sums_row − v · Σ_occ t · x, with t = scale · x per occurrence.
        var random = new Random(factorCount);
        float[] factors = Enumerable.Range(0, factorCount).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        float[] partials = new float[factorCount];
        float xTerm = 0f;
        double[] expected = new double[factorCount];
        for (int occurrence = 0; occurrence < 5; occurrence++)
        {
            float[] sums = Enumerable.Range(0, factorCount).Select(_ => (float)(random.NextDouble() * 3)).ToArray();
            float x = (float)(random.NextDouble() * 2);
            float scale = (float)(random.NextDouble() - 0.5);
            float t = scale * x;
            FactorGradientKernels.AddScaledSums(t, sums, partials, KernelSupport.Level);
            xTerm = MathF.FusedMultiplyAdd(t, x, xTerm);
            for (int f = 0; f < factorCount; f++)
            {
                expected[f] += scale * ((x * (double)sums[f]) - (x * (double)x * factors[f]));
            }
        }

        float[] gradient = new float[factorCount];
        FactorGradientKernels.Finish(partials, xTerm, factors, gradient, KernelSupport.Level);
        for (int f = 0; f < factorCount; f++)
        {
            Assert.Equal(expected[f], gradient[f], 1e-5);
        }
    }
}
