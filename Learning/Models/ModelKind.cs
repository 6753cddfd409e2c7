namespace OrleansML.Learning.Models;

/// <summary>The models the library trains; written by name in JSON specs and model files.</summary>
public enum ModelKind
{
    /// <summary><see cref="LinearRegression"/>.</summary>
    LinearRegression,

    /// <summary><see cref="LogisticRegression"/> (binary).</summary>
    LogisticRegression,

    /// <summary><see cref="SoftmaxRegression"/> (multinomial).</summary>
    SoftmaxRegression,

    /// <summary><see cref="Mlp"/> (ReLU hidden layers, softmax output).</summary>
    Mlp,

    /// <summary><see cref="HashedLogisticRegression"/> over 2^HashBits feature buckets.</summary>
    HashedLogisticRegression,

    /// <summary><see cref="FactorizationMachine"/> (degree 2, sparse).</summary>
    FactorizationMachine,
}
