using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace OrleansML.Learning.Tests.Optimizers;

public class LbfgsMinimizerTests
{
    private static readonly LbfgsOptions Tight = new() { GradientTolerance = 1e-9, RelativeFunctionTolerance = 0, MaximumIterations = 500 };

    [Fact]
    public void Rosenbrock_converges_to_all_ones()
    {
        var result = new LbfgsMinimizer(Tight).Minimize(LbfgsTestProblems.Rosenbrock, [-1.2, 1, -1.2, 1]);

        Assert.Equal(LbfgsConvergence.GradientTolerance, result.Reason);
        Assert.All(result.Point, value => Assert.Equal(1, value, 1e-7));
        Assert.True(result.Loss < 1e-14, $"loss {result.Loss}");
        Assert.True(result.Iterations < 200, $"{result.Iterations} iterations");
    }

    [Fact]
    public void Ill_conditioned_quadratic_reaches_its_minimum()
    {
        // Curvatures span 1 to 1e6 (log-uniformly: the hard case for L-BFGS; MathNet needs about 500
        // iterations too). 1e-8 on the gradient is well above the rounding floor of the stiff coordinates.
        var start = new double[10];
        var options = Tight with { GradientTolerance = 1e-8, MaximumIterations = 3000 };
        var result = new LbfgsMinimizer(options).Minimize(LbfgsTestProblems.IllConditioned, start);

        Assert.Equal(LbfgsConvergence.GradientTolerance, result.Reason);
        for (int i = 0; i < start.Length; i++)
        {
            Assert.Equal(LbfgsTestProblems.Target(i), result.Point[i], 1e-7);
        }

        Assert.True(result.Iterations < 1000, $"{result.Iterations} iterations");
    }

    [Fact]
    public void Rosenbrock_agrees_with_MathNet()
    {
        double[] start = [-1.2, 1, 0.5, -0.5];
        var ours = new LbfgsMinimizer(Tight).Minimize(LbfgsTestProblems.Rosenbrock, start);
        var theirs = MathNetMinimum(LbfgsTestProblems.Rosenbrock, start);

        for (int i = 0; i < start.Length; i++)
        {
            Assert.Equal(theirs.Point[i], ours.Point[i], 1e-5);
        }

        Assert.True(ours.Loss <= theirs.Loss + 1e-12, $"ours {ours.Loss}, MathNet {theirs.Loss}");
    }

    [Fact]
    public void Logistic_regression_reaches_MathNets_loss()
    {
        (double[][] rows, double[] labels) = LbfgsTestProblems.LogisticData(400, 6, seed: 7);
        const double lambda = 0.01;
        var options = Tight with { L2Regularization = lambda, L2ExcludedStart = 6, L2ExcludedCount = 1 };
        var ours = new LbfgsMinimizer(options).Minimize((w, g) => LbfgsTestProblems.LogisticLoss(rows, labels, w, g), new double[7]);
        var theirs = MathNetMinimum(
            (w, g) =>
            {
                double loss = LbfgsTestProblems.LogisticLoss(rows, labels, w, g);
                for (int j = 0; j < 6; j++)
                {
                    loss += 0.5 * lambda * w[j] * w[j];
                    g[j] += lambda * w[j];
                }

                return loss;
            },
            new double[7]);

        Assert.Equal(theirs.Loss, ours.Loss, 1e-10);
        for (int i = 0; i < 7; i++)
        {
            Assert.Equal(theirs.Point[i], ours.Point[i], 1e-5);
        }

        // The bias is outside the penalty, so the gradient of the data loss alone vanishes there.
        var gradient = new double[7];
        LbfgsTestProblems.LogisticLoss(rows, labels, ours.Point, gradient);
        Assert.Equal(0, gradient[6], 1e-8);
        Assert.Equal(0, gradient[0] + (lambda * ours.Point[0]), 1e-8);
    }

    [Fact]
    public void Resuming_from_a_checkpoint_repeats_the_uninterrupted_run()
    {
        var options = Tight with { MaximumIterations = 60 };
        var minimizer = new LbfgsMinimizer(options);
        double[] start = [-1.2, 1, -0.8, 1.3, 0.1, 0.2];
        var whole = minimizer.Minimize(LbfgsTestProblems.Rosenbrock, start);

        byte[]? checkpoint = null;
        using var cancellation = new CancellationTokenSource();
        var first = minimizer.CreateState(start);
        Assert.ThrowsAny<OperationCanceledException>(() => minimizer.Minimize(
            LbfgsTestProblems.Rosenbrock,
            first,
            state =>
            {
                if (state.Iterations == 9)
                {
                    checkpoint = state.Serialize();
                    cancellation.Cancel();
                }
            },
            cancellation.Token));

        Assert.NotNull(checkpoint);
        var resumed = LbfgsState.Deserialize(checkpoint);
        Assert.Equal(9, resumed.Iterations);
        Assert.Equal(checkpoint, resumed.Serialize());
        var rest = minimizer.Minimize(LbfgsTestProblems.Rosenbrock, resumed);

        Assert.Equal(whole.Point, rest.Point);
        Assert.Equal(whole.Loss, rest.Loss);
        Assert.Equal(whole.Iterations, rest.Iterations);
        Assert.Equal(whole.Evaluations, rest.Evaluations);
        Assert.Equal(whole.Reason, rest.Reason);
    }

    [Fact]
    public async Task Asynchronous_objective_gives_the_synchronous_result_and_honours_cancellation()
    {
        var minimizer = new LbfgsMinimizer(Tight);
        double[] start = [-1.2, 1];
        var synchronous = minimizer.Minimize(LbfgsTestProblems.Rosenbrock, start);
        var asynchronous = await minimizer.MinimizeAsync(
            async (point, gradient, token) =>
            {
                await Task.Yield();
                token.ThrowIfCancellationRequested();
                return LbfgsTestProblems.Rosenbrock(point.Span, gradient.Span);
            },
            start);
        Assert.Equal(synchronous.Point, asynchronous.Point);
        Assert.Equal(synchronous.Evaluations, asynchronous.Evaluations);

        using var cancellation = new CancellationTokenSource();
        int calls = 0;
        var state = minimizer.CreateState(start);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await minimizer.MinimizeAsync(
            async (point, gradient, token) =>
            {
                await Task.Yield();
                if (++calls == 5)
                {
                    cancellation.Cancel();
                }

                return LbfgsTestProblems.Rosenbrock(point.Span, gradient.Span);
            },
            state,
            cancellationToken: cancellation.Token));
        Assert.Equal(5, calls);
        Assert.True(state.Iterations < 5, "the state stops at the last completed iteration");
    }

    [Fact]
    public void L2_only_objective_shrinks_all_but_the_excluded_range()
    {
        var options = Tight with { L2Regularization = 0.5, L2ExcludedStart = 1, L2ExcludedCount = 1 };
        var result = new LbfgsMinimizer(options).Minimize(
            (point, gradient) =>
            {
                gradient.Clear();
                return 0;
            },
            [3, 4, -5]);

        Assert.Equal(0, result.Point[0], 1e-9);
        Assert.Equal(4, result.Point[1]);
        Assert.Equal(0, result.Point[2], 1e-9);
    }

    [Theory]
    [InlineData("historySize")]
    [InlineData("maximumIterations")]
    [InlineData("curvature")]
    public void Invalid_options_name_the_field(string field)
    {
        var options = field switch
        {
            "historySize" => new LbfgsOptions { HistorySize = 0 },
            "maximumIterations" => new LbfgsOptions { MaximumIterations = -3 },
            _ => new LbfgsOptions { Curvature = 1e-5 },
        };

        var error = Assert.Throws<ArgumentException>(() => new LbfgsMinimizer(options));
        Assert.StartsWith($"lbfgs.{field} must", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_finite_objective_at_the_start_is_an_error_and_infinite_trials_are_stepped_back_from()
    {
        var minimizer = new LbfgsMinimizer(Tight);
        Assert.Throws<InvalidOperationException>(() => minimizer.Minimize((point, gradient) => double.NaN, [1.0]));

        // Infinite beyond x = 1.8: the first trial (x = 2) lands in it and the search must back off.
        int infinite = 0;
        var result = minimizer.Minimize(
            (point, gradient) =>
            {
                gradient[0] = 2 * (point[0] - 1.5);
                if (point[0] > 1.8)
                {
                    infinite++;
                    return double.PositiveInfinity;
                }

                return (point[0] - 1.5) * (point[0] - 1.5);
            },
            [1.0]);
        Assert.Equal(1.5, result.Point[0], 1e-8);
        Assert.True(infinite > 0, "no trial reached the infinite region; the test does not test what it says");
    }

    [Fact]
    public void Truncated_state_is_rejected()
    {
        var state = LbfgsState.Create([1, 2, 3]);
        byte[] bytes = state.Serialize();
        Assert.Throws<FormatException>(() => LbfgsState.Deserialize(bytes.AsSpan(0, bytes.Length - 1)));
    }

    private static (double[] Point, double Loss) MathNetMinimum(LossAndGradient objective, double[] start)
    {
        var function = ObjectiveFunction.Gradient(point =>
        {
            var gradient = new double[point.Count];
            double loss = objective(point.ToArray(), gradient);
            return (loss, Vector<double>.Build.DenseOfArray(gradient));
        });
        var minimizer = new LimitedMemoryBfgsMinimizer(1e-10, 1e-14, 1e-14, 10, 2000);
        var result = minimizer.FindMinimum(function, Vector<double>.Build.DenseOfArray(start));
        return (result.MinimizingPoint.ToArray(), result.FunctionInfoAtMinimum.Value);
    }
}
