namespace OrleansML.Learning.Tests.Models.Dense;

/// <summary>Shared checks of a model's gradient against central finite differences of a double-precision reference loss.</summary>
internal static class GradientCheck
{
    public static DenseDataset RandomDataset(Random random, int rows, int columns, Func<Random, float> label)
    {
        var features = new float[rows * columns];
        for (int i = 0; i < features.Length; i++)
        {
            features[i] = (float)((random.NextDouble() * 2) - 1);
        }

        var labels = new float[rows];
        for (int i = 0; i < rows; i++)
        {
            labels[i] = label(random);
        }

        return new DenseDataset(features, labels, columns);
    }

    public static float[] RandomParameters(Random random, int count, double scale)
    {
        var parameters = new float[count];
        for (int i = 0; i < count; i++)
        {
            parameters[i] = (float)(((random.NextDouble() * 2) - 1) * scale);
        }

        return parameters;
    }

    /// <summary>
    /// Asserts: the returned loss equals the reference loss and ComputeLoss; every gradient entry equals the
    /// central difference of the reference loss; and a small step against the gradient lowers the loss.
    /// </summary>
    public static void Run(IModel model, float[] parameters, DataBatch batch, Func<double[], double> referenceLoss)
    {
        var gradient = new float[model.ParameterCount];
        Array.Fill(gradient, 123f);
        float loss = model.ComputeGradient(parameters, batch, gradient);
        double[] point = [.. parameters.Select(v => (double)v)];
        double expectedLoss = referenceLoss(point);
        Assert.Equal(expectedLoss, loss, 1e-5 * (1 + Math.Abs(expectedLoss)));
        Assert.Equal(loss, model.ComputeLoss(parameters, batch), 1e-6 * (1 + Math.Abs(loss)));

        const double step = 1e-5;
        for (int i = 0; i < point.Length; i++)
        {
            double original = point[i];
            point[i] = original + step;
            double above = referenceLoss(point);
            point[i] = original - step;
            double below = referenceLoss(point);
            point[i] = original;
            double expected = (above - below) / (2 * step);
            double error = Math.Abs(expected - gradient[i]);
            Assert.True(error <= 1e-4 + (1e-3 * Math.Abs(expected)), $"{model.Name} parameter {i}: finite difference {expected}, gradient {gradient[i]}");
        }

        float[] stepped = [.. parameters];
        for (int i = 0; i < stepped.Length; i++)
        {
            stepped[i] -= 0.05f * gradient[i];
        }

        Assert.True(model.ComputeLoss(stepped, batch) < loss, $"{model.Name}: a gradient step did not lower the loss {loss}");
    }
}
