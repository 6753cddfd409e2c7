namespace OrleansML.Learning.Tests.Optimizers;

public class SparseDenseEquivalenceTests
{
    public static TheoryData<OptimizerKind, bool> Kinds => new()
    {
        { OptimizerKind.Sgd, false },
        { OptimizerKind.Momentum, false },
        { OptimizerKind.Momentum, true },
        { OptimizerKind.AdaGrad, false },
        { OptimizerKind.Adam, false },
        { OptimizerKind.Ftrl, false },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Sparse_update_equals_dense_update_on_touched_keys_and_leaves_the_rest(OptimizerKind kind, bool nesterov)
    {
        var settings = new OptimizerSettings
        {
            Kind = kind,
            Nesterov = nesterov,
            LearningRate = 0.05f,
            L2Regularization = 0.01f,
            L1Regularization = kind == OptimizerKind.Ftrl ? 0.01f : 0,
        };
        Optimizer optimizer = settings.Create();
        const int count = 37;
        var random = new Random(11);
        float[] weights = kind == OptimizerKind.Ftrl ? new float[count] : RandomValues(random, count);
        OptimizerState state = optimizer.CreateState(count);
        for (int step = 1; step <= 3; step++)
        {
            optimizer.Apply(weights, RandomValues(random, count), state, step);
        }

        int[] keys = [0, 3, 8, 9, 15, 16, 30, 36];
        float[] values = RandomValues(random, keys.Length);
        var denseGradient = new float[count];
        for (int i = 0; i < keys.Length; i++)
        {
            denseGradient[keys[i]] = values[i];
        }

        float[] denseWeights = (float[])weights.Clone();
        OptimizerState denseState = OptimizerState.Deserialize(state.Serialize());
        optimizer.Apply(denseWeights, denseGradient, denseState, 4);
        float[] sparseWeights = (float[])weights.Clone();
        OptimizerState sparseState = OptimizerState.Deserialize(state.Serialize());
        optimizer.ApplySparse(sparseWeights, keys, values, sparseState, 4);

        for (int i = 0; i < count; i++)
        {
            bool touched = keys.Contains(i);
            // Same operations in the same order: equal to the bit on touched keys.
            Assert.Equal(touched ? denseWeights[i] : weights[i], sparseWeights[i]);
            for (int buffer = 0; buffer < state.BufferCount; buffer++)
            {
                Assert.Equal(touched ? denseState.Buffer(buffer)[i] : state.Buffer(buffer)[i], sparseState.Buffer(buffer)[i]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Serialised_state_continues_identically(OptimizerKind kind, bool nesterov)
    {
        Optimizer optimizer = new OptimizerSettings { Kind = kind, Nesterov = nesterov, LearningRate = 0.05f }.Create();
        var random = new Random(5);
        const int count = 21;
        var gradients = new float[6][];
        for (int step = 0; step < gradients.Length; step++)
        {
            gradients[step] = RandomValues(random, count);
        }

        var weights = new float[count];
        OptimizerState state = optimizer.CreateState(count);
        float[] restoredWeights = [];
        OptimizerState? restored = null;
        for (int step = 1; step <= gradients.Length; step++)
        {
            optimizer.Apply(weights, gradients[step - 1], state, step);
            if (step == 3)
            {
                restored = OptimizerState.Deserialize(state.Serialize());
                restoredWeights = (float[])weights.Clone();
            }
        }

        for (int step = 4; step <= gradients.Length; step++)
        {
            optimizer.Apply(restoredWeights, gradients[step - 1], restored!, step);
        }

        Assert.Equal(weights, restoredWeights);
    }

    private static float[] RandomValues(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }
}
