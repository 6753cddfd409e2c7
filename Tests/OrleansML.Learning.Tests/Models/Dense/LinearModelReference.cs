namespace OrleansML.Learning.Tests.Models.Dense;

/// <summary>Double-precision losses of the linear models, written from their definitions.</summary>
internal static class LinearModelReference
{
    public static double Margin(DenseDataset data, int row, double[] parameters)
    {
        int d = data.ColumnCount;
        double margin = parameters[d];
        ReadOnlySpan<float> x = data.Row(row);
        for (int t = 0; t < d; t++)
        {
            margin += parameters[t] * x[t];
        }

        return margin;
    }

    public static double HalfMeanSquaredError(DenseDataset data, int start, int count, double[] parameters)
    {
        double sum = 0;
        for (int row = start; row < start + count; row++)
        {
            double residual = Margin(data, row, parameters) - data.Labels[row];
            sum += 0.5 * residual * residual;
        }

        return sum / count;
    }

    public static double LogLoss(DenseDataset data, int start, int count, double[] parameters)
    {
        double sum = 0;
        for (int row = start; row < start + count; row++)
        {
            double probability = 1 / (1 + Math.Exp(-Margin(data, row, parameters)));
            sum -= data.Labels[row] == 1 ? Math.Log(probability) : Math.Log(1 - probability);
        }

        return sum / count;
    }
}
