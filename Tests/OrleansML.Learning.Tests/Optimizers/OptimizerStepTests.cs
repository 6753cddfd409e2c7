namespace OrleansML.Learning.Tests.Optimizers;

/// <summary>
/// One or two hand-computed dense steps per optimizer. Slices of 19 parameters alternate between two
/// (weight, gradient) pairs, so both the 8-wide vector body and the scalar tail are checked.
/// </summary>
public class OptimizerStepTests
{
    private const int Length = 19;

    [Fact]
    public void Sgd_with_weight_decay()
    {
        float[] weights = Run(new OptimizerSettings { Kind = OptimizerKind.Sgd, LearningRate = 0.1f, L2Regularization = 0.01f }, [0.5f, 0.25f]);
        // w - 0.1 * (g + 0.01 w): 1 - 0.1 * 0.51 and -2 - 0.1 * 0.23.
        AssertLanes(weights, 0.949, -2.023);
    }

    [Fact]
    public void Momentum_classical_two_steps()
    {
        float[] weights = Run(new OptimizerSettings { Kind = OptimizerKind.Momentum, LearningRate = 0.1f, Momentum = 0.9f }, [0.5f, 0.25f], [0.5f, 0.25f]);
        // v1 = g, v2 = 0.9 g + g = 1.9 g; w = w0 - 0.1 (g + 1.9 g) = w0 - 0.29 g.
        AssertLanes(weights, 1 - 0.145, -2 - 0.0725);
    }

    [Fact]
    public void Momentum_nesterov_two_steps()
    {
        float[] weights = Run(new OptimizerSettings { Kind = OptimizerKind.Momentum, LearningRate = 0.1f, Momentum = 0.9f, Nesterov = true }, [0.5f, 0.25f], [0.5f, 0.25f]);
        // Step 1 moves by g + 0.9 g = 1.9 g; step 2 by g + 0.9 * 1.9 g = 2.71 g; total 0.1 * 4.61 g.
        AssertLanes(weights, 1 - 0.2305, -2 - 0.11525);
    }

    [Fact]
    public void AdaGrad_two_steps()
    {
        float[] weights = Run(new OptimizerSettings { Kind = OptimizerKind.AdaGrad, LearningRate = 0.1f }, [0.5f, 0.25f], [0.5f, 0.25f]);
        // Step 1 moves by 0.1 * sign(g); step 2 by 0.1 g / sqrt(2 g^2) = 0.1 / sqrt 2.
        AssertLanes(weights, 0.9 - 0.0707106781, -2.1 - 0.0707106781);
    }

    [Fact]
    public void Adam_first_step_is_bias_corrected_to_the_learning_rate()
    {
        float[] weights = Run(new OptimizerSettings { Kind = OptimizerKind.Adam, LearningRate = 0.001f }, [0.5f, 0.25f]);
        // m_hat = g and v_hat = g^2 at t = 1, so each weight moves by 0.001 * g / (|g| + 1e-8).
        AssertLanes(weights, 0.99900000002, -2.00099999996);

        // Without the correction the first step would be 0.001 * 0.1 g / sqrt(0.001 g^2) = 3.16e-3, whatever g is.
        float[] tiny = Run(new OptimizerSettings { Kind = OptimizerKind.Adam, LearningRate = 0.001f }, [1e-3f, 100f]);
        AssertLanes(tiny, 0.999, -2.001, 1e-7);
    }

    [Fact]
    public void Adam_second_step()
    {
        float[] weights = Run(new OptimizerSettings { Kind = OptimizerKind.Adam, LearningRate = 0.001f }, [0.5f, 0.25f], [0.25f, -0.5f]);
        AssertLanes(weights, 0.9980678204047746, -2.0006338964422246);
    }

    [Fact]
    public void Ftrl_two_steps_with_l1_and_l2()
    {
        var settings = new OptimizerSettings { Kind = OptimizerKind.Ftrl, LearningRate = 0.1f, FtrlBeta = 1, L1Regularization = 0.2f, L2Regularization = 0.5f };
        float[] once = Run(settings, [0.5f, 0.25f], initial: [0, 0]);
        // z = g, n = g^2: w = -(z - 0.2 sign z) / ((1 + |g|) / 0.1 + 0.5) = -0.3 / 15.5 and -0.05 / 13.
        AssertLanes(once, -0.3 / 15.5, -0.05 / 13);
        float[] twice = Run(settings, [0.5f, 0.25f], [0.5f, -0.5f], initial: [0, 0]);
        AssertLanes(twice, -0.04781070749087681, 0.0023688209085936545);
    }

    [Fact]
    public void Ftrl_strong_l1_writes_exact_zeros()
    {
        var optimizer = new OptimizerSettings { Kind = OptimizerKind.Ftrl, LearningRate = 0.5f, L1Regularization = 5f }.Create();
        var random = new Random(3);
        var weights = new float[100];
        var gradient = new float[100];
        OptimizerState state = optimizer.CreateState(weights.Length);
        for (int step = 1; step <= 20; step++)
        {
            for (int i = 0; i < gradient.Length; i++)
            {
                // Half the coordinates see a consistent pull that outgrows L1; the rest see noise that does not.
                gradient[i] = i < 50 ? 1f : (float)(random.NextDouble() - 0.5);
            }

            optimizer.Apply(weights, gradient, state, step);
        }

        Assert.All(weights.AsSpan(50).ToArray(), weight => Assert.Equal(0f, weight));
        Assert.All(weights.AsSpan(0, 50).ToArray(), weight => Assert.True(weight < 0, $"weight {weight} should be pushed negative"));
    }

    [Fact]
    public void Apply_rejects_state_of_another_optimizer_and_bad_lengths()
    {
        var sgd = new OptimizerSettings().Create();
        var adam = new OptimizerSettings { Kind = OptimizerKind.Adam }.Create();
        var weights = new float[4];
        Assert.Throws<ArgumentException>(() => adam.Apply(weights, new float[4], sgd.CreateState(4), 1));
        Assert.Throws<ArgumentException>(() => adam.Apply(weights, new float[3], adam.CreateState(4), 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => adam.ApplySparse(weights, [4], [1f], adam.CreateState(4), 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => adam.Apply(weights, new float[4], adam.CreateState(4), 0));
    }

    /// <summary>Applies one or two dense steps from weights alternating (1, -2) unless <paramref name="initial"/> is given.</summary>
    private static float[] Run(OptimizerSettings settings, float[] first, float[]? second = null, float[]? initial = null)
    {
        Optimizer optimizer = settings.Create();
        float[] weights = Alternate(initial ?? [1, -2]);
        OptimizerState state = optimizer.CreateState(Length);
        optimizer.Apply(weights, Alternate(first), state, 1);
        if (second is not null)
        {
            optimizer.Apply(weights, Alternate(second), state, 2);
        }

        return weights;
    }

    private static float[] Alternate(float[] pair)
    {
        var values = new float[Length];
        for (int i = 0; i < Length; i++)
        {
            values[i] = pair[i % 2];
        }

        return values;
    }

    private static void AssertLanes(float[] weights, double even, double odd, double tolerance = 1e-6)
    {
        for (int i = 0; i < weights.Length; i++)
        {
            Assert.Equal(i % 2 == 0 ? even : odd, weights[i], tolerance);
        }
    }
}
