namespace OrleansML.Learning.Optimizers;

/// <summary>
/// Full-batch limited-memory BFGS (Nocedal 1980; Liu and Nocedal 1989): two-loop recursion over the last
/// m correction pairs with the initial scaling s·y / y·y, and a strong-Wolfe line search, all in double.
/// </summary>
/// <remarks>
/// The asynchronous form takes an objective that may aggregate loss and gradient over many grains; the
/// synchronous form is the same algorithm over a synchronous objective. Every iteration updates an
/// <see cref="LbfgsState"/> that a coordinator can persist (the <c>afterIteration</c> callback) and
/// resume from; cancellation leaves the state at the last completed iteration. One objective
/// evaluation per line-search trial; allocation is per run, never per iteration.
/// </remarks>
public sealed class LbfgsMinimizer
{
    /// <summary>Creates a minimizer; <paramref name="options"/> default to <see cref="LbfgsOptions"/>' defaults.</summary>
    /// <exception cref="ArgumentException">An option is invalid (the message names it).</exception>
    public LbfgsMinimizer(LbfgsOptions? options = null)
    {
        Options = options ?? new LbfgsOptions();
        Options.Validate();
    }

    /// <summary>The validated options.</summary>
    public LbfgsOptions Options { get; }

    /// <summary>Creates a state at <paramref name="initialPoint"/> with this minimizer's history size.</summary>
    public LbfgsState CreateState(ReadOnlySpan<double> initialPoint) => LbfgsState.Create(initialPoint, Options.HistorySize);

    /// <summary>Minimises <paramref name="objective"/> from <paramref name="initialPoint"/>.</summary>
    public LbfgsResult Minimize(LossAndGradient objective, ReadOnlySpan<double> initialPoint, CancellationToken cancellationToken = default) =>
        Minimize(objective, CreateState(initialPoint), null, cancellationToken);

    /// <summary>Continues (or starts) the run held by <paramref name="state"/>, which it updates in place.</summary>
    public LbfgsResult Minimize(LossAndGradient objective, LbfgsState state, Action<LbfgsState>? afterIteration = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objective);
        Func<ReadOnlyMemory<double>, Memory<double>, CancellationToken, ValueTask<double>> asynchronous =
            (point, gradient, _) => ValueTask.FromResult(objective(point.Span, gradient.Span));
        Func<LbfgsState, CancellationToken, ValueTask>? callback = afterIteration is null
            ? null
            : (current, _) =>
            {
                afterIteration(current);
                return ValueTask.CompletedTask;
            };
        ValueTask<LbfgsResult> run = MinimizeAsync(asynchronous, state, callback, cancellationToken);
        // Every await inside completes synchronously here, so the run has already finished.
        return run.IsCompleted ? run.Result : run.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Minimises an asynchronous objective (e.g. one aggregated over grains) from <paramref name="initialPoint"/>.</summary>
    public ValueTask<LbfgsResult> MinimizeAsync(
        Func<ReadOnlyMemory<double>, Memory<double>, CancellationToken, ValueTask<double>> objective,
        ReadOnlyMemory<double> initialPoint,
        CancellationToken cancellationToken = default) =>
        MinimizeAsync(objective, CreateState(initialPoint.Span), null, cancellationToken);

    /// <summary>
    /// Continues (or starts) the run held by <paramref name="state"/>. <paramref name="afterIteration"/>
    /// runs after each completed iteration, e.g. to persist <see cref="LbfgsState.Serialize"/>.
    /// </summary>
    /// <remarks>
    /// The objective must overwrite the whole gradient and must not keep the memory it is given: the
    /// minimizer reuses those buffers. The state's own <see cref="LbfgsState.HistorySize"/> applies, so a
    /// resumed run keeps the history size it started with. <see cref="LbfgsOptions.MaximumIterations"/>
    /// counts the iterations of the state, including those before a resume.
    /// </remarks>
    /// <exception cref="OperationCanceledException">Cancelled; <paramref name="state"/> holds the last completed iteration.</exception>
    /// <exception cref="InvalidOperationException">The objective is not finite at the starting point.</exception>
    public async ValueTask<LbfgsResult> MinimizeAsync(
        Func<ReadOnlyMemory<double>, Memory<double>, CancellationToken, ValueTask<double>> objective,
        LbfgsState state,
        Func<LbfgsState, CancellationToken, ValueTask>? afterIteration = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(state);
        Options.ValidateFor(state.Dimension);
        int n = state.Dimension;
        var direction = new double[n];
        var newPoint = new double[n];
        var newGradient = new double[n];
        var step = new double[n];
        var gradientChange = new double[n];
        var coefficients = new double[state.HistorySize];
        async ValueTask<double> Evaluate(double[] point, double[] gradient)
        {
            cancellationToken.ThrowIfCancellationRequested();
            double loss = await objective(point, gradient, cancellationToken);
            state.Evaluations++;
            return loss + AddL2(point, gradient);
        }

        var lineSearch = new StrongWolfeLineSearch(Evaluate, Options, new double[n], new double[n], newPoint, newGradient);
        if (!state.IsEvaluated)
        {
            state.Loss = await Evaluate(state.CurrentPoint, state.CurrentGradient);
            if (!double.IsFinite(state.Loss))
            {
                throw new InvalidOperationException($"the objective is {state.Loss} at the initial point.");
            }

            state.IsEvaluated = true;
        }

        while (true)
        {
            double gradientNorm = Math.Abs(TensorPrimitives.MaxMagnitude<double>(state.CurrentGradient));
            LbfgsConvergence? reason = gradientNorm <= Options.GradientTolerance ? LbfgsConvergence.GradientTolerance
                : state.Iterations > 0 && Math.Abs(state.PreviousLoss - state.Loss) <= Options.RelativeFunctionTolerance * Math.Max(Math.Abs(state.PreviousLoss), Math.Abs(state.Loss)) ? LbfgsConvergence.FunctionTolerance
                : state.Iterations >= Options.MaximumIterations ? LbfgsConvergence.MaximumIterations
                : null;
            if (reason is { } stop)
            {
                return Result(state, gradientNorm, stop);
            }

            cancellationToken.ThrowIfCancellationRequested();
            ComputeDirection(state, direction, coefficients);
            double slope = TensorPrimitives.Dot<double>(direction, state.CurrentGradient);
            if (!(slope < 0))
            {
                // Rounding can spoil the curvature pairs; steepest descent restarts the model.
                state.ClearHistory();
                TensorPrimitives.Negate<double>(state.CurrentGradient, direction);
                slope = -TensorPrimitives.Dot<double>(state.CurrentGradient, state.CurrentGradient);
            }

            double initialStep = state.HistoryCount == 0 ? Math.Min(1, 1 / TensorPrimitives.Norm<double>(direction)) : 1;
            (bool found, double newLoss) = await lineSearch.SearchAsync(state.CurrentPoint, state.Loss, direction, slope, initialStep);
            if (!found)
            {
                return Result(state, gradientNorm, LbfgsConvergence.LineSearchFailed);
            }

            TensorPrimitives.Subtract<double>(newPoint, state.CurrentPoint, step);
            TensorPrimitives.Subtract<double>(newGradient, state.CurrentGradient, gradientChange);
            double curvature = TensorPrimitives.Dot<double>(step, gradientChange);
            if (curvature > 1e-12 * TensorPrimitives.Dot<double>(gradientChange, gradientChange))
            {
                state.PushPair(step, gradientChange, curvature);
            }

            newPoint.CopyTo(state.CurrentPoint, 0);
            newGradient.CopyTo(state.CurrentGradient, 0);
            state.PreviousLoss = state.Loss;
            state.Loss = newLoss;
            state.Iterations++;
            if (afterIteration is not null)
            {
                await afterIteration(state, cancellationToken);
            }
        }
    }

    /// <summary>Two-loop recursion: direction = -H g with H the L-BFGS inverse-Hessian model.</summary>
    private static void ComputeDirection(LbfgsState state, double[] direction, double[] coefficients)
    {
        state.CurrentGradient.CopyTo(direction, 0);
        for (int k = state.HistoryCount - 1; k >= 0; k--)
        {
            int slot = state.SlotOf(k);
            double coefficient = state.InverseCurvatureAt(slot) * TensorPrimitives.Dot(state.StepAt(slot), direction);
            coefficients[k] = coefficient;
            TensorPrimitives.MultiplyAdd(state.GradientChangeAt(slot), -coefficient, direction, direction);
        }

        if (state.HistoryCount > 0)
        {
            int newest = state.SlotOf(state.HistoryCount - 1);
            ReadOnlySpan<double> change = state.GradientChangeAt(newest);
            double scale = 1 / (state.InverseCurvatureAt(newest) * TensorPrimitives.Dot(change, change));
            Debug.Assert(scale > 0);
            TensorPrimitives.Multiply(direction, scale, direction);
        }

        for (int k = 0; k < state.HistoryCount; k++)
        {
            int slot = state.SlotOf(k);
            double correction = state.InverseCurvatureAt(slot) * TensorPrimitives.Dot(state.GradientChangeAt(slot), direction);
            TensorPrimitives.MultiplyAdd(state.StepAt(slot), coefficients[k] - correction, direction, direction);
        }

        TensorPrimitives.Negate<double>(direction, direction);
    }

    /// <summary>Adds lambda/2 ||w||^2 outside the excluded range to the loss (returned) and lambda w to the gradient.</summary>
    private double AddL2(double[] point, double[] gradient)
    {
        double lambda = Options.L2Regularization;
        if (lambda == 0)
        {
            return 0;
        }

        int excludedEnd = Options.L2ExcludedStart + Options.L2ExcludedCount;
        double penalty = AddL2Range(point.AsSpan(0, Options.L2ExcludedStart), gradient.AsSpan(0, Options.L2ExcludedStart), lambda);
        penalty += AddL2Range(point.AsSpan(excludedEnd), gradient.AsSpan(excludedEnd), lambda);
        return penalty;
    }

    private static double AddL2Range(ReadOnlySpan<double> point, Span<double> gradient, double lambda)
    {
        TensorPrimitives.MultiplyAdd(point, lambda, gradient, gradient);
        return 0.5 * lambda * TensorPrimitives.Dot(point, point);
    }

    private static LbfgsResult Result(LbfgsState state, double gradientNorm, LbfgsConvergence reason) =>
        new(state.Point.ToArray(), state.Loss, gradientNorm, state.Iterations, state.Evaluations, reason);
}
