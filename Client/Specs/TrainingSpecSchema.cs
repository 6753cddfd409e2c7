using OrleansML.Jobs;
using OrleansML.Learning.Models;
using OrleansML.Learning.Optimizers;
using static OrleansML.Client.Specs.SpecMembers;

namespace OrleansML.Client.Specs;

/// <summary>
/// The one table of training-spec fields: their JSON names, the <c>train</c> flags that set them and what they
/// do. The defaults themselves are the records' own initial values (<c>new TrainingSpec()</c>), so spec files,
/// flags and .NET callers cannot disagree; <see cref="Defaults"/> renders them for docs/training.md.
/// </summary>
public static class TrainingSpecSchema
{
    private static readonly SpecObject<LearningRateScheduleSettings> s_schedule = new(
        Enum<LearningRateScheduleSettings, LearningRateScheduleKind>("kind", s => s.Kind, (s, v) => s with { Kind = v }, "Learning-rate schedule.", "--schedule"),
        Double<LearningRateScheduleSettings>("decayRate", s => s.DecayRate, (s, v) => s with { DecayRate = v }, "Step/exponential factor per period; inverse-time coefficient."),
        Long<LearningRateScheduleSettings>("decaySteps", s => s.DecaySteps, (s, v) => s with { DecaySteps = v }, "Updates per decay period (cosine: updates to reach the minimum rate); 0: the whole job.", "--decay-steps"),
        Float<LearningRateScheduleSettings>("minimumRate", s => s.MinimumRate, (s, v) => s with { MinimumRate = v }, "Cosine: the final rate."),
        Long<LearningRateScheduleSettings>("warmupSteps", s => s.WarmupSteps, (s, v) => s with { WarmupSteps = v }, "Linear warm-up updates before the schedule."));

    private static readonly SpecObject<OptimizerSettings> s_optimizer = new(
        Enum<OptimizerSettings, OptimizerKind>("kind", o => o.Kind, (o, v) => o with { Kind = v }, "Update rule the shards apply (ignored by L-BFGS).", "--optimizer"),
        Float<OptimizerSettings>("learningRate", o => o.LearningRate, (o, v) => o with { LearningRate = v }, "Base learning rate (FTRL's alpha).", "--learning-rate"),
        Float<OptimizerSettings>("l2Regularization", o => o.L2Regularization, (o, v) => o with { L2Regularization = v }, "L2 strength: l2 * w is added to every gradient (FTRL: lambda2).", "--l2"),
        Float<OptimizerSettings>("l1Regularization", o => o.L1Regularization, (o, v) => o with { L1Regularization = v }, "L1 strength (FTRL only)."),
        Float<OptimizerSettings>("momentum", o => o.Momentum, (o, v) => o with { Momentum = v }, "Momentum coefficient."),
        Bool<OptimizerSettings>("nesterov", o => o.Nesterov, (o, v) => o with { Nesterov = v }, "Momentum: Nesterov's look-ahead form."),
        Float<OptimizerSettings>("beta1", o => o.Beta1, (o, v) => o with { Beta1 = v }, "Adam: decay of the first moment."),
        Float<OptimizerSettings>("beta2", o => o.Beta2, (o, v) => o with { Beta2 = v }, "Adam: decay of the second moment."),
        Float<OptimizerSettings>("epsilon", o => o.Epsilon, (o, v) => o with { Epsilon = v }, "Adam, AdaGrad: added to the root of the second moment."),
        Float<OptimizerSettings>("ftrlBeta", o => o.FtrlBeta, (o, v) => o with { FtrlBeta = v }, "FTRL: beta of the per-coordinate rate."),
        Object<OptimizerSettings, LearningRateScheduleSettings>("schedule", o => o.Schedule, (o, v) => o with { Schedule = v }, s_schedule));

    private static readonly SpecObject<ModelSpec> s_model = new(
        Enum<ModelSpec, ModelKind>("kind", m => m.Kind, (m, v) => m with { Kind = v }, "The model.", "--model"),
        Int<ModelSpec>("featureCount", m => m.FeatureCount, (m, v) => m with { FeatureCount = v }, "Input features (required by dense models and FM).", "--features"),
        Int<ModelSpec>("classCount", m => m.ClassCount, (m, v) => m with { ClassCount = v }, "Classes (softmax, MLP).", "--classes"),
        IntList<ModelSpec>("hiddenLayers", m => m.HiddenLayers, (m, v) => m with { HiddenLayers = v }, "MLP hidden layer widths, input side first.", "--hidden"),
        Int<ModelSpec>("hashBits", m => m.HashBits, (m, v) => m with { HashBits = v }, "Hashed logistic regression: log2 of the buckets.", "--hash-bits"),
        Int<ModelSpec>("factorCount", m => m.FactorCount, (m, v) => m with { FactorCount = v }, "Factorization machine: factors per feature."),
        Enum<ModelSpec, ModelTask>("factorizationTask", m => m.FactorizationTask, (m, v) => m with { FactorizationTask = v }, "Factorization machine: BinaryClassification or Regression."));

    private static readonly SpecObject<DataSpec> s_data = new(
        String<DataSpec>("trainManifest", d => d.TrainManifest, (d, v) => d with { TrainManifest = v! }, "Training set manifest (required).", "--train", nullable: false),
        String<DataSpec>("testManifest", d => d.TestManifest, (d, v) => d with { TestManifest = v }, "Held-out set manifest, evaluated after every epoch.", "--test"),
        NullableStringList<DataSpec>("classLabels", d => d.ClassLabels, (d, v) => d with { ClassLabels = v }, "Class names in class id order, saved with the model (train --train fills them from the data); none: the ids."));

    private static readonly SpecObject<TrainingSpec> s_spec = new(
        String<TrainingSpec>("jobId", s => s.JobId, (s, v) => s with { JobId = v }, "The job id; none: a fresh one.", "--job-id"),
        String<TrainingSpec>("modelName", s => s.ModelName, (s, v) => s with { ModelName = v }, "Name the model is saved under; none: the job id.", "--model-name"),
        Object<TrainingSpec, ModelSpec>("model", s => s.Model, (s, v) => s with { Model = v }, s_model),
        Object<TrainingSpec, DataSpec>("data", s => s.Data, (s, v) => s with { Data = v }, s_data),
        Object<TrainingSpec, OptimizerSettings>("optimizer", s => s.Optimizer, (s, v) => s with { Optimizer = v }, s_optimizer),
        Enum<TrainingSpec, ConsistencyMode>("mode", s => s.Mode, (s, v) => s with { Mode = v }, "Consistency mode.", "--mode"),
        Int<TrainingSpec>("workers", s => s.Workers, (s, v) => s with { Workers = v }, "Partition workers.", "--workers"),
        Int<TrainingSpec>("shards", s => s.Shards, (s, v) => s with { Shards = v }, "Parameter shards.", "--shards"),
        Int<TrainingSpec>("epochs", s => s.Epochs, (s, v) => s with { Epochs = v }, "Passes over the training data (at most; see targets and early stopping).", "--epochs"),
        Int<TrainingSpec>("batchSize", s => s.BatchSize, (s, v) => s with { BatchSize = v }, "Rows per step over all workers; 0: ceil(rows / 32), at most 256.", "--batch-size"),
        Int<TrainingSpec>("seed", s => s.Seed, (s, v) => s with { Seed = v }, "Seed of the initial parameters and row order.", "--seed"),
        Int<TrainingSpec>("pullEvery", s => s.PullEvery, (s, v) => s with { PullEvery = v }, "ASP: steps between pulls."),
        Int<TrainingSpec>("staleness", s => s.Staleness, (s, v) => s with { Staleness = v }, "SSP: clocks a worker may run ahead.", "--staleness"),
        Int<TrainingSpec>("averagingInterval", s => s.AveragingInterval, (s, v) => s with { AveragingInterval = v }, "Model averaging: local steps between averages.", "--averaging-interval"),
        NullableDouble<TrainingSpec>("averagingMomentum", s => s.AveragingMomentum, (s, v) => s with { AveragingMomentum = v }, "Model averaging: block momentum of the shards' outer step, in [0, 1) (0: plain averaging); none: 1 - 1 / workers.", "--averaging-momentum"),
        Int<TrainingSpec>("backupWorkers", s => s.BackupWorkers, (s, v) => s with { BackupWorkers = v }, "BSP: pushes a step may go without.", "--backup-workers"),
        Enum<TrainingSpec, TensorCompression>("compression", s => s.Compression, (s, v) => s with { Compression = v }, "Compression of pulls and pushes."),
        Int<TrainingSpec>("earlyStoppingPatience", s => s.EarlyStoppingPatience, (s, v) => s with { EarlyStoppingPatience = v }, "Epochs without a better held-out loss before stopping (0: never).", "--early-stopping-patience"),
        NullableDouble<TrainingSpec>("targetAccuracy", s => s.TargetAccuracy, (s, v) => s with { TargetAccuracy = v }, "Stop at the first epoch whose held-out accuracy reaches this (needs a test set).", "--target-accuracy"),
        NullableDouble<TrainingSpec>("targetLoss", s => s.TargetLoss, (s, v) => s with { TargetLoss = v }, "Stop at the first epoch whose training loss is at most this.", "--target-loss"),
        Int<TrainingSpec>("lbfgsIterations", s => s.LbfgsIterations, (s, v) => s with { LbfgsIterations = v }, "L-BFGS: iterations in all.", "--lbfgs-iterations"),
        Int<TrainingSpec>("lbfgsIterationsPerEpoch", s => s.LbfgsIterationsPerEpoch, (s, v) => s with { LbfgsIterationsPerEpoch = v }, "L-BFGS: iterations between evaluations."),
        Int<TrainingSpec>("lbfgsHistory", s => s.LbfgsHistory, (s, v) => s with { LbfgsHistory = v }, "L-BFGS: correction pairs kept."),
        Double<TrainingSpec>("lbfgsL2Regularization", s => s.LbfgsL2Regularization, (s, v) => s with { LbfgsL2Regularization = v }, "L-BFGS: L2 strength added to the mean loss.", "--lbfgs-l2"),
        Int<TrainingSpec>("checkpointEverySteps", s => s.CheckpointEverySteps, (s, v) => s with { CheckpointEverySteps = v }, "BSP: steps between mid-epoch checkpoints (0: epoch ends only)."),
        Bool<TrainingSpec>("elastic", s => s.Elastic, (s, v) => s with { Elastic = v }, "Use silos that join: one worker per active silo."),
        Int<TrainingSpec>("maxEpochRetries", s => s.MaxEpochRetries, (s, v) => s with { MaxEpochRetries = v }, "Failed attempts of one epoch before the job fails."));

    public static IReadOnlyList<SpecDefault> Defaults { get; } = [.. s_spec.Describe(new TrainingSpec(), "")];

    /// <summary>The default shown for the field a <c>train</c> flag sets, e.g. "10" for <c>--epochs</c>.</summary>
    public static string? DefaultOfFlag(string flag) => Defaults.FirstOrDefault(d => d.Flag == flag)?.Default;

    /// <summary>The defaults as the Markdown table docs/training.md shows.</summary>
    public static string DefaultsMarkdown()
    {
        var text = new System.Text.StringBuilder();
        text.Append("| field | default | flag | meaning |\n|---|---|---|---|\n");
        foreach (SpecDefault row in Defaults)
        {
            text.Append($"| `{row.Path}` | {row.Default} | {(row.Flag is null ? "" : $"`{row.Flag}`")} | {row.Description} |\n");
        }

        return text.ToString();
    }

    /// <summary>Reads a spec from a parsed JSON document merged over the default <see cref="TrainingSpec"/>.</summary>
    internal static TrainingSpec Read(System.Text.Json.JsonElement root, SpecReadContext context) =>
        s_spec.Read(root, new TrainingSpec(), context, "$");
}
