using System.Text.Json.Serialization;

namespace OrleansML.Learning.Optimizers;

/// <summary>The update rule an <see cref="OptimizerSettings"/> creates.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OptimizerKind>))]
public enum OptimizerKind
{
    /// <summary>Plain stochastic gradient descent: w -= rate * g.</summary>
    Sgd,

    /// <summary>Heavy-ball momentum (classical, or Nesterov with <see cref="OptimizerSettings.Nesterov"/>).</summary>
    Momentum,

    /// <summary>AdaGrad: per-coordinate rates from the running sum of squared gradients.</summary>
    AdaGrad,

    /// <summary>Adam with bias correction (Kingma and Ba 2015); sparse updates are lazy.</summary>
    Adam,

    /// <summary>FTRL-Proximal with L1 and L2 (McMahan et al. 2013), for sparse models.</summary>
    Ftrl,
}
