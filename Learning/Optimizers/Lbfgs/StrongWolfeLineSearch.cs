namespace OrleansML.Learning.Optimizers;

/// <summary>
/// Bracketing-and-zoom line search for the strong Wolfe conditions (Nocedal and Wright, Numerical
/// Optimization, 2nd ed., Algorithms 3.5 and 3.6), with safeguarded cubic interpolation in the zoom.
/// </summary>
/// <remarks>
/// Invariants of the zoom: the "low" step satisfies sufficient decrease and has the lowest loss seen, and
/// dphi(low) * (high - low) &lt; 0, so a point meeting both Wolfe conditions lies between them.
/// <paramref name="bestPoint"/>/<c>bestGradient</c> always hold the low point once it is past zero; if
/// the evaluation budget runs out, that point (which decreased the loss) is returned without the
/// curvature condition, which is what practical implementations do.
/// </remarks>
internal sealed class StrongWolfeLineSearch(
    Func<double[], double[], ValueTask<double>> evaluate,
    LbfgsOptions options,
    double[] trialPoint,
    double[] trialGradient,
    double[] bestPoint,
    double[] bestGradient)
{
    private double[] _start = [];
    private double[] _direction = [];
    private double _startLoss;
    private double _startSlope;
    private int _evaluations;
    private double _bestStep;
    private double _bestLoss;

    /// <summary>Searches along <paramref name="direction"/> (a descent direction with slope <paramref name="startSlope"/> &lt; 0).</summary>
    public async ValueTask<(bool Found, double Loss)> SearchAsync(double[] start, double startLoss, double[] direction, double startSlope, double initialStep)
    {
        _start = start;
        _direction = direction;
        _startLoss = startLoss;
        _startSlope = startSlope;
        _evaluations = 0;
        _bestStep = 0;
        _bestLoss = startLoss;
        double previousStep = 0, previousLoss = startLoss, previousSlope = startSlope;
        double step = initialStep;
        while (_evaluations < options.MaximumLineSearchEvaluations)
        {
            (double loss, double slope) = await TryAsync(step);
            if (!double.IsFinite(loss) || !SufficientDecrease(step, loss) || (_evaluations > 1 && loss >= previousLoss))
            {
                return await ZoomAsync(previousStep, previousLoss, previousSlope, step, loss, slope);
            }

            Accept(step, loss);
            if (Math.Abs(slope) <= -options.Curvature * _startSlope)
            {
                return (true, loss);
            }

            if (slope >= 0)
            {
                return await ZoomAsync(step, loss, slope, previousStep, previousLoss, previousSlope);
            }

            previousStep = step;
            previousLoss = loss;
            previousSlope = slope;
            step *= 2;
        }

        return (_bestStep > 0, _bestLoss);
    }

    private async ValueTask<(bool Found, double Loss)> ZoomAsync(double low, double lowLoss, double lowSlope, double high, double highLoss, double highSlope)
    {
        while (_evaluations < options.MaximumLineSearchEvaluations)
        {
            if (Math.Abs(high - low) <= 1e-16 * Math.Max(1, Math.Abs(low)))
            {
                break;
            }

            double step = Interpolate(low, lowLoss, lowSlope, high, highLoss, highSlope);
            (double loss, double slope) = await TryAsync(step);
            if (!double.IsFinite(loss) || !SufficientDecrease(step, loss) || loss >= lowLoss)
            {
                high = step;
                highLoss = loss;
                highSlope = slope;
                continue;
            }

            Accept(step, loss);
            if (Math.Abs(slope) <= -options.Curvature * _startSlope)
            {
                return (true, loss);
            }

            if (slope * (high - low) >= 0)
            {
                high = low;
                highLoss = lowLoss;
                highSlope = lowSlope;
            }

            low = step;
            lowLoss = loss;
            lowSlope = slope;
        }

        return (_bestStep > 0, _bestLoss);
    }

    /// <summary>The minimiser of the cubic through both ends, kept 10% away from them; bisection when the cubic is useless.</summary>
    private static double Interpolate(double low, double lowLoss, double lowSlope, double high, double highLoss, double highSlope)
    {
        double lower = Math.Min(low, high), upper = Math.Max(low, high), width = upper - lower;
        double bisection = 0.5 * (low + high);
        if (!double.IsFinite(highLoss) || !double.IsFinite(highSlope))
        {
            return bisection;
        }

        double d1 = lowSlope + highSlope - (3 * (lowLoss - highLoss) / (low - high));
        double discriminant = (d1 * d1) - (lowSlope * highSlope);
        if (discriminant < 0)
        {
            return bisection;
        }

        double d2 = Math.CopySign(Math.Sqrt(discriminant), high - low);
        double step = high - ((high - low) * (highSlope + d2 - d1) / (highSlope - lowSlope + (2 * d2)));
        return double.IsFinite(step) && step >= lower + (0.1 * width) && step <= upper - (0.1 * width) ? step : bisection;
    }

    private bool SufficientDecrease(double step, double loss) => loss <= _startLoss + (options.SufficientDecrease * step * _startSlope);

    private async ValueTask<(double Loss, double Slope)> TryAsync(double step)
    {
        TensorPrimitives.MultiplyAdd(_direction, step, _start, trialPoint);
        _evaluations++;
        double loss = await evaluate(trialPoint, trialGradient);
        double slope = double.IsFinite(loss) ? TensorPrimitives.Dot<double>(trialGradient, _direction) : double.NaN;
        return (loss, slope);
    }

    private void Accept(double step, double loss)
    {
        _bestStep = step;
        _bestLoss = loss;
        trialPoint.CopyTo(bestPoint, 0);
        trialGradient.CopyTo(bestGradient, 0);
    }
}
