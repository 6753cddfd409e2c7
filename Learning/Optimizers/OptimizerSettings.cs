namespace OrleansML.Learning.Optimizers;

/// <summary>
/// Serialisable optimizer configuration (part of a training spec): the kind, its hyperparameters and the
/// learning-rate schedule. Fields a kind does not use are ignored. Defaults follow common practice.
/// </summary>
public sealed record OptimizerSettings
{
    /// <summary>The update rule. Default <see cref="OptimizerKind.Sgd"/>.</summary>
    public OptimizerKind Kind { get; init; } = OptimizerKind.Sgd;

    /// <summary>Base learning rate (FTRL's alpha), finite and > 0. Default 0.01.</summary>
    public float LearningRate { get; init; } = 0.01f;

    /// <summary>
    /// L2 strength >= 0. Sgd, Momentum, AdaGrad, Adam add <c>l2 * w</c> to the gradient (coupled weight
    /// decay, applied to the keys a sparse update touches); Ftrl uses it as lambda2. Default 0.
    /// </summary>
    public float L2Regularization { get; init; }

    /// <summary>L1 strength >= 0 (FTRL's lambda1; only Ftrl supports L1). Default 0.</summary>
    public float L1Regularization { get; init; }

    /// <summary>Momentum coefficient in [0, 1). Default 0.9.</summary>
    public float Momentum { get; init; } = 0.9f;

    /// <summary>Momentum only: use Nesterov's look-ahead form. Default false.</summary>
    public bool Nesterov { get; init; }

    /// <summary>Adam: decay of the first moment, in [0, 1). Default 0.9.</summary>
    public float Beta1 { get; init; } = 0.9f;

    /// <summary>Adam: decay of the second moment, in [0, 1). Default 0.999.</summary>
    public float Beta2 { get; init; } = 0.999f;

    /// <summary>Adam and AdaGrad: added to the root of the second moment, > 0. Default 1e-8.</summary>
    public float Epsilon { get; init; } = 1e-8f;

    /// <summary>Ftrl: beta in the per-coordinate rate alpha / (beta + sqrt(n)), >= 0. Default 1.</summary>
    public float FtrlBeta { get; init; } = 1f;

    /// <summary>The learning-rate schedule. Default constant. Ftrl requires a constant rate without warm-up.</summary>
    public LearningRateScheduleSettings Schedule { get; init; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> whose message names the first bad field, e.g. "optimizer.learningRate must be > 0, got -1".</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Kind))
        {
            throw Bad("kind", "must be one of Sgd, Momentum, AdaGrad, Adam, Ftrl", Kind.ToString());
        }

        if (!(LearningRate > 0) || !float.IsFinite(LearningRate))
        {
            throw Bad("learningRate", "must be > 0", LearningRate);
        }

        if (!(L2Regularization >= 0) || !float.IsFinite(L2Regularization))
        {
            throw Bad("l2Regularization", "must be >= 0", L2Regularization);
        }

        if (!(L1Regularization >= 0) || !float.IsFinite(L1Regularization))
        {
            throw Bad("l1Regularization", "must be >= 0", L1Regularization);
        }

        if (L1Regularization > 0 && Kind != OptimizerKind.Ftrl)
        {
            throw Bad("l1Regularization", $"must be 0 for {Kind} (only Ftrl supports L1)", L1Regularization);
        }

        if (Kind == OptimizerKind.Momentum && !(Momentum >= 0 && Momentum < 1))
        {
            throw Bad("momentum", "must be in [0, 1)", Momentum);
        }

        if (Kind == OptimizerKind.Adam && !(Beta1 >= 0 && Beta1 < 1))
        {
            throw Bad("beta1", "must be in [0, 1)", Beta1);
        }

        if (Kind == OptimizerKind.Adam && !(Beta2 >= 0 && Beta2 < 1))
        {
            throw Bad("beta2", "must be in [0, 1)", Beta2);
        }

        if (Kind is OptimizerKind.Adam or OptimizerKind.AdaGrad && (!(Epsilon > 0) || !float.IsFinite(Epsilon)))
        {
            throw Bad("epsilon", "must be > 0", Epsilon);
        }

        if (Kind == OptimizerKind.Ftrl && (!(FtrlBeta >= 0) || !float.IsFinite(FtrlBeta)))
        {
            throw Bad("ftrlBeta", "must be >= 0", FtrlBeta);
        }

        if (Schedule is null)
        {
            throw new ArgumentException("optimizer.schedule must be set, got null");
        }

        Schedule.Validate(LearningRate);
        // FTRL's closed-form weights assume alpha never changes: z accumulates sigma terms that telescope
        // only for a fixed alpha.
        if (Kind == OptimizerKind.Ftrl && (Schedule.Kind != LearningRateScheduleKind.Constant || Schedule.WarmupSteps != 0))
        {
            throw new ArgumentException($"optimizer.schedule.kind must be Constant without warm-up for Ftrl, got {Schedule.Kind} with {Schedule.WarmupSteps} warm-up steps");
        }
    }

    /// <summary>
    /// Validates, then builds the optimizer. Optimizers hold only immutable settings (all memory is in
    /// <see cref="OptimizerState"/>), so one instance can serve every slice and thread.
    /// </summary>
    public Optimizer Create()
    {
        Validate();
        LearningRateSchedule schedule = Schedule.Create(LearningRate);
        return Kind switch
        {
            OptimizerKind.Sgd => new SgdOptimizer(schedule, L2Regularization),
            OptimizerKind.Momentum => new MomentumOptimizer(schedule, Momentum, Nesterov, L2Regularization),
            OptimizerKind.AdaGrad => new AdaGradOptimizer(schedule, Epsilon, L2Regularization),
            OptimizerKind.Adam => new AdamOptimizer(schedule, Beta1, Beta2, Epsilon, L2Regularization),
            OptimizerKind.Ftrl => new FtrlOptimizer(LearningRate, FtrlBeta, L1Regularization, L2Regularization),
            _ => throw Bad("kind", "is not supported", Kind.ToString()),
        };
    }

    private static ArgumentException Bad(string field, string rule, float value) =>
        Bad(field, rule, value.ToString(CultureInfo.InvariantCulture));

    private static ArgumentException Bad(string field, string rule, string value) =>
        new($"optimizer.{field} {rule}, got {value}");
}
