using OrleansML.Learning.Optimizers;

namespace OrleansML.Serialization;

// The Learning layer knows nothing of Orleans, so the settings it defines cross silos through these surrogates.
// Enums travel as their numbers: the Learning enums carry no Orleans codec of their own.

[GenerateSerializer]
[Alias("OrleansML.ModelSpec")]
internal struct ModelSpecSurrogate
{
    [Id(0)] public int Kind;
    [Id(1)] public int FeatureCount;
    [Id(2)] public int ClassCount;
    [Id(3)] public int[] HiddenLayers;
    [Id(4)] public int HashBits;
    [Id(5)] public int FactorCount;
    [Id(6)] public int FactorizationTask;
}

[RegisterConverter]
internal sealed class ModelSpecConverter : IConverter<ModelSpec, ModelSpecSurrogate>
{
    public ModelSpec ConvertFromSurrogate(in ModelSpecSurrogate surrogate) => new()
    {
        Kind = (ModelKind)surrogate.Kind,
        FeatureCount = surrogate.FeatureCount,
        ClassCount = surrogate.ClassCount,
        HiddenLayers = surrogate.HiddenLayers ?? [],
        HashBits = surrogate.HashBits,
        FactorCount = surrogate.FactorCount,
        FactorizationTask = (ModelTask)surrogate.FactorizationTask,
    };

    public ModelSpecSurrogate ConvertToSurrogate(in ModelSpec value) => new()
    {
        Kind = (int)value.Kind,
        FeatureCount = value.FeatureCount,
        ClassCount = value.ClassCount,
        HiddenLayers = [.. value.HiddenLayers ?? []],
        HashBits = value.HashBits,
        FactorCount = value.FactorCount,
        FactorizationTask = (int)value.FactorizationTask,
    };
}

/// <summary>The wire form of <see cref="OptimizerSettings"/> with its schedule.</summary>
[GenerateSerializer]
[Alias("OrleansML.OptimizerSettings")]
internal struct OptimizerSettingsSurrogate
{
    [Id(0)] public int Kind;
    [Id(1)] public float LearningRate;
    [Id(2)] public float L2Regularization;
    [Id(3)] public float L1Regularization;
    [Id(4)] public float Momentum;
    [Id(5)] public bool Nesterov;
    [Id(6)] public float Beta1;
    [Id(7)] public float Beta2;
    [Id(8)] public float Epsilon;
    [Id(9)] public float FtrlBeta;
    [Id(10)] public int ScheduleKind;
    [Id(11)] public double ScheduleDecayRate;
    [Id(12)] public long ScheduleDecaySteps;
    [Id(13)] public float ScheduleMinimumRate;
    [Id(14)] public long ScheduleWarmupSteps;
}

[RegisterConverter]
internal sealed class OptimizerSettingsConverter : IConverter<OptimizerSettings, OptimizerSettingsSurrogate>
{
    public OptimizerSettings ConvertFromSurrogate(in OptimizerSettingsSurrogate surrogate) => new()
    {
        Kind = (OptimizerKind)surrogate.Kind,
        LearningRate = surrogate.LearningRate,
        L2Regularization = surrogate.L2Regularization,
        L1Regularization = surrogate.L1Regularization,
        Momentum = surrogate.Momentum,
        Nesterov = surrogate.Nesterov,
        Beta1 = surrogate.Beta1,
        Beta2 = surrogate.Beta2,
        Epsilon = surrogate.Epsilon,
        FtrlBeta = surrogate.FtrlBeta,
        Schedule = new LearningRateScheduleSettings
        {
            Kind = (LearningRateScheduleKind)surrogate.ScheduleKind,
            DecayRate = surrogate.ScheduleDecayRate,
            DecaySteps = surrogate.ScheduleDecaySteps,
            MinimumRate = surrogate.ScheduleMinimumRate,
            WarmupSteps = surrogate.ScheduleWarmupSteps,
        },
    };

    public OptimizerSettingsSurrogate ConvertToSurrogate(in OptimizerSettings value)
    {
        LearningRateScheduleSettings schedule = value.Schedule ?? new();
        return new()
        {
            Kind = (int)value.Kind,
            LearningRate = value.LearningRate,
            L2Regularization = value.L2Regularization,
            L1Regularization = value.L1Regularization,
            Momentum = value.Momentum,
            Nesterov = value.Nesterov,
            Beta1 = value.Beta1,
            Beta2 = value.Beta2,
            Epsilon = value.Epsilon,
            FtrlBeta = value.FtrlBeta,
            ScheduleKind = (int)schedule.Kind,
            ScheduleDecayRate = schedule.DecayRate,
            ScheduleDecaySteps = schedule.DecaySteps,
            ScheduleMinimumRate = schedule.MinimumRate,
            ScheduleWarmupSteps = schedule.WarmupSteps,
        };
    }
}
