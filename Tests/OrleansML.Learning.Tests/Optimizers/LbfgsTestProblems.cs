namespace OrleansML.Learning.Tests.Optimizers;

/// <summary>Objectives with known minima for the L-BFGS tests.</summary>
internal static class LbfgsTestProblems
{
    /// <summary>The extended Rosenbrock function (pairs of coordinates); minimum 0 at all ones.</summary>
    public static double Rosenbrock(ReadOnlySpan<double> x, Span<double> gradient)
    {
        double loss = 0;
        gradient.Clear();
        for (int i = 0; i + 1 < x.Length; i += 2)
        {
            double a = 1 - x[i];
            double b = x[i + 1] - (x[i] * x[i]);
            loss += (a * a) + (100 * b * b);
            gradient[i] += (-2 * a) - (400 * x[i] * b);
            gradient[i + 1] += 200 * b;
        }

        return loss;
    }

    /// <summary>0.5 * sum c_i (x_i - t_i)^2 with c spanning six orders of magnitude; minimum 0 at t.</summary>
    public static double IllConditioned(ReadOnlySpan<double> x, Span<double> gradient)
    {
        double loss = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double curvature = Math.Pow(10, 6.0 * i / (x.Length - 1));
            double difference = x[i] - Target(i);
            loss += 0.5 * curvature * difference * difference;
            gradient[i] = curvature * difference;
        }

        return loss;
    }

    public static double Target(int i) => 1 + (0.25 * i);

    /// <summary>Synthetic logistic-regression data: rows x columns features, last parameter is the bias.</summary>
    public static (double[][] Rows, double[] Labels) LogisticData(int rows, int columns, int seed)
    {
        var random = new Random(seed);
        var truth = new double[columns];
        for (int j = 0; j < columns; j++)
        {
            truth[j] = (random.NextDouble() * 4) - 2;
        }

        var features = new double[rows][];
        var labels = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            features[r] = new double[columns];
            double margin = 0.3;
            for (int j = 0; j < columns; j++)
            {
                features[r][j] = (random.NextDouble() * 2) - 1;
                margin += truth[j] * features[r][j];
            }

            labels[r] = random.NextDouble() < 1 / (1 + Math.Exp(-margin)) ? 1 : 0;
        }

        return (features, labels);
    }

    /// <summary>Mean log-loss of a logistic model; parameters are the weights then the bias.</summary>
    public static double LogisticLoss(double[][] rows, double[] labels, ReadOnlySpan<double> parameters, Span<double> gradient)
    {
        int columns = rows[0].Length;
        gradient.Clear();
        double loss = 0;
        for (int r = 0; r < rows.Length; r++)
        {
            double margin = parameters[columns];
            for (int j = 0; j < columns; j++)
            {
                margin += parameters[j] * rows[r][j];
            }

            // log(1 + e^m) - y m, written to stay finite for large |m|.
            loss += Math.Max(margin, 0) + Math.Log(1 + Math.Exp(-Math.Abs(margin))) - (labels[r] * margin);
            double residual = (1 / (1 + Math.Exp(-margin))) - labels[r];
            for (int j = 0; j < columns; j++)
            {
                gradient[j] += residual * rows[r][j] / rows.Length;
            }

            gradient[columns] += residual / rows.Length;
        }

        return loss / rows.Length;
    }
}
