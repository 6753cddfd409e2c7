namespace OrleansML.Learning.Tests.Kernels.Dense;

/// <summary>Scalar reference implementations of the dense kernels, accumulating in double.</summary>
internal static class Reference
{
    public static float[] RandomArray(Random random, int length, float scale = 1f)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1) * scale;
        }

        return values;
    }

    public static float[] RandomLabels(Random random, int rows, int classes)
    {
        var labels = new float[rows];
        for (int i = 0; i < rows; i++)
        {
            labels[i] = random.Next(classes);
        }

        return labels;
    }

    /// <summary>C = A·Bᵀ + bias.</summary>
    public static double[] ProductWithTransposed(float[] a, float[] b, float[]? bias, int rows, int columns, int depth)
    {
        var c = new double[rows * columns];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < columns; j++)
            {
                double sum = bias is null ? 0 : bias[j];
                for (int t = 0; t < depth; t++)
                {
                    sum += (double)a[(r * depth) + t] * b[(j * depth) + t];
                }

                c[(r * columns) + j] = sum;
            }
        }

        return c;
    }

    /// <summary>Gᵀ·A (outputs x depth).</summary>
    public static double[] TransposedProduct(float[] g, float[] a, int rows, int outputs, int depth)
    {
        var c = new double[outputs * depth];
        for (int j = 0; j < outputs; j++)
        {
            for (int t = 0; t < depth; t++)
            {
                double sum = 0;
                for (int r = 0; r < rows; r++)
                {
                    sum += (double)g[(r * outputs) + j] * a[(r * depth) + t];
                }

                c[(j * depth) + t] = sum;
            }
        }

        return c;
    }

    /// <summary>G·B (rows x columns).</summary>
    public static double[] Product(float[] g, float[] b, int rows, int inner, int columns)
    {
        var c = new double[rows * columns];
        for (int r = 0; r < rows; r++)
        {
            for (int t = 0; t < columns; t++)
            {
                double sum = 0;
                for (int k = 0; k < inner; k++)
                {
                    sum += (double)g[(r * inner) + k] * b[(k * columns) + t];
                }

                c[(r * columns) + t] = sum;
            }
        }

        return c;
    }

    /// <summary>Softmax of each row of logits (double), and the summed log-loss for the labels.</summary>
    public static (double[] Probabilities, double Loss) Softmax(double[] logits, float[]? labels, int rows, int classes)
    {
        var probabilities = new double[logits.Length];
        double loss = 0;
        for (int r = 0; r < rows; r++)
        {
            double maximum = double.NegativeInfinity;
            for (int k = 0; k < classes; k++)
            {
                maximum = Math.Max(maximum, logits[(r * classes) + k]);
            }

            double sum = 0;
            for (int k = 0; k < classes; k++)
            {
                sum += Math.Exp(logits[(r * classes) + k] - maximum);
            }

            for (int k = 0; k < classes; k++)
            {
                probabilities[(r * classes) + k] = Math.Exp(logits[(r * classes) + k] - maximum) / sum;
            }

            if (labels is not null)
            {
                loss += Math.Log(sum) + maximum - logits[(r * classes) + (int)labels[r]];
            }
        }

        return (probabilities, loss);
    }

    /// <summary>Asserts |expected - actual| &lt;= tolerance · (1 + |expected|) element by element, naming the index.</summary>
    public static void AssertClose(double[] expected, ReadOnlySpan<float> actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(expected[i] - actual[i]);
            Assert.True(error <= tolerance * (1 + Math.Abs(expected[i])), $"index {i}: expected {expected[i]}, got {actual[i]} (error {error})");
        }
    }
}
