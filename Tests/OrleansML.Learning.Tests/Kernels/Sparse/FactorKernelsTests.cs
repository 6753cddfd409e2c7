using OrleansML.Learning.Kernels;

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
        FactorKernels.AccumulateFactorSums(ids, values, parameters, 2, stride, sums, squareSums);

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
    public void Factor_partials_add_scale_times_x_sum_minus_x_squared_factor(int factorCount)
    {
        var random = new Random(factorCount);
        float[] factors = Enumerable.Range(0, factorCount).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        float[] sums = Enumerable.Range(0, factorCount).Select(_ => (float)(random.NextDouble() * 3)).ToArray();
        float[] partials = Enumerable.Range(0, factorCount).Select(f => (float)f).ToArray();
        const float X = 1.5f;
        const float Scale = -0.25f;
        FactorKernels.AddFactorPartials(factors, X, sums, Scale, partials);
        for (int f = 0; f < factorCount; f++)
        {
            Assert.Equal(f + (Scale * ((X * sums[f]) - (X * X * factors[f]))), partials[f], 1e-5);
        }
    }
}
