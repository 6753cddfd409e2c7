namespace OrleansML.Benchmarks.Peers;

/// <summary>The two Fashion-MNIST tasks of the peers benchmark and the held-out accuracy each must reach.</summary>
internal enum PeerTask
{
    /// <summary>Softmax (multinomial logistic) regression, 784x10, to 0.840.</summary>
    Softmax,

    /// <summary>A multilayer perceptron 784-128-10 with ReLU, to 0.870.</summary>
    Mlp,
}

internal static class PeerTasks
{
    public static double Target(this PeerTask task) => task == PeerTask.Softmax ? 0.840 : 0.870;

    public static string Label(this PeerTask task) => task == PeerTask.Softmax ? "softmax" : "mlp";

    public static PeerTask Parse(OptionValue option) => option.OneOf("softmax", "mlp") == "softmax" ? PeerTask.Softmax : PeerTask.Mlp;
}
