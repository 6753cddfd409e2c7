using System.Text.Json.Serialization;

namespace OrleansML.Learning.Optimizers;

/// <summary>How the learning rate changes with the update number (see <see cref="LearningRateScheduleSettings"/>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LearningRateScheduleKind>))]
public enum LearningRateScheduleKind
{
    /// <summary>rate(t) = base.</summary>
    Constant,

    /// <summary>rate(t) = base * decayRate^floor((t-1) / decaySteps).</summary>
    StepDecay,

    /// <summary>rate(t) = base * decayRate^((t-1) / decaySteps), decaying smoothly.</summary>
    ExponentialDecay,

    /// <summary>rate(t) = base / (1 + decayRate * (t-1) / decaySteps).</summary>
    InverseTime,

    /// <summary>rate(t) = base / sqrt(1 + (t-1) / decaySteps).</summary>
    InverseSqrt,

    /// <summary>rate(t) = min + (base - min) * (1 + cos(pi * min(t-1, decaySteps) / decaySteps)) / 2.</summary>
    Cosine,
}
