using System.Text.Json.Serialization;

namespace OrleansML.Learning.Optimizers;

/// <summary>Why <see cref="LbfgsMinimizer"/> stopped.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LbfgsConvergence>))]
public enum LbfgsConvergence
{
    /// <summary>The largest gradient component fell to <see cref="LbfgsOptions.GradientTolerance"/> or below.</summary>
    GradientTolerance,

    /// <summary>The last iteration's relative loss change fell to <see cref="LbfgsOptions.RelativeFunctionTolerance"/> or below.</summary>
    FunctionTolerance,

    /// <summary><see cref="LbfgsOptions.MaximumIterations"/> iterations ran.</summary>
    MaximumIterations,

    /// <summary>The line search found no point with sufficient decrease (often: converged to rounding level).</summary>
    LineSearchFailed,
}
