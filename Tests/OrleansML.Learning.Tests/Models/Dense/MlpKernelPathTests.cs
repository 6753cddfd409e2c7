using OrleansML.Learning.Tests.Kernels.Dense;

namespace OrleansML.Learning.Tests.Models.Dense;

/// <summary>The MLP's gradient, and the Adam step that consumes it, on every kernel path the machine could take.</summary>
public class MlpKernelPathTests
{
    [Theory]
    [InlineData(new[] { 37, 13, 7 }, 19, 16)]
    [InlineData(new[] { 33, 24, 9, 3 }, 10, 64)]
    [InlineData(new[] { 20, 8, 2 }, 9, 4)]
    public void Gradient_matches_finite_differences_on_every_path(int[] sizes, int rows, int blockRows)
    {
        var random = new Random((sizes.Sum() * 3) + rows);
        DenseDataset data = GradientCheck.RandomDataset(random, rows, sizes[0], r => r.Next(sizes[^1]));
        var model = new Mlp(sizes, blockRows);
        var parameters = new float[model.ParameterCount];
        model.InitializeParameters(parameters, seed: 9);
        for (int layer = 1; layer < sizes.Length; layer++)
        {
            for (int i = 0; i < sizes[layer]; i++)
            {
                parameters[model.BiasOffset(layer) + i] = (float)((random.NextDouble() - 0.5) * 0.2);
            }
        }

        VectorPaths.Each(_ => GradientCheck.Run(model, parameters, DataBatch.All(data), p => MlpTests.ReferenceLoss(data, sizes, p)));
    }

    [Fact]
    public void Blocks_of_a_batch_sum_to_the_whole_batch_gradient()
    {
        // Batch 128 in one block against blocks of 48 (48, 48, 32): the first block overwrites the gradient and
        // the later ones add to it, which must give the same mean as one block.
        var random = new Random(4);
        DenseDataset data = GradientCheck.RandomDataset(random, 128, 50, r => r.Next(10));
        var whole = new Mlp([50, 30, 10], blockRows: 128);
        var blocks = new Mlp([50, 30, 10], blockRows: 48);
        var parameters = new float[whole.ParameterCount];
        whole.InitializeParameters(parameters, seed: 3);
        var expected = new float[parameters.Length];
        float expectedLoss = whole.ComputeGradient(parameters, DataBatch.All(data), expected);
        var actual = new float[parameters.Length];
        Array.Fill(actual, float.NaN);
        float loss = blocks.ComputeGradient(parameters, DataBatch.All(data), actual);
        Assert.Equal(expectedLoss, loss, 1e-5f);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6 + (1e-4 * Math.Abs(expected[i])), $"parameter {i}: {expected[i]} vs {actual[i]}");
        }
    }

    [Fact]
    public void Adam_takes_the_same_step_on_every_path()
    {
        // 37 parameters: two 16-wide vectors, then a 256-bit one would leave 5, so every loop and the scalar tail run.
        var random = new Random(8);
        float[] start = Reference.RandomArray(random, 37);
        float[] gradient = Reference.RandomArray(random, 37);
        var results = new List<float[]>();
        VectorPaths.Each(_ =>
        {
            Optimizer adam = new OptimizerSettings { Kind = OptimizerKind.Adam, LearningRate = 0.01f, L2Regularization = 0.1f }.Create();
            OptimizerState state = adam.CreateState(start.Length);
            float[] parameters = (float[])start.Clone();
            for (long t = 1; t <= 3; t++)
            {
                adam.Apply(parameters, gradient, state, t);
            }

            results.Add(parameters);
        });

        for (int i = 0; i < start.Length; i++)
        {
            Assert.NotEqual(start[i], results[0][i]);
            Assert.All(results, r => Assert.Equal(results[0][i], r[i], 1e-6f));
        }
    }
}
