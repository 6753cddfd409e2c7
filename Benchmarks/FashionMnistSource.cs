using OrleansML.Learning.Data.Readers;

namespace OrleansML.Benchmarks;

/// <summary>Where the benchmarks read Fashion-MNIST: <c>ORLEANSML_FASHION_MNIST</c>, else the Debian package's directory.</summary>
internal static class FashionMnistSource
{
    public const string DebianHint = "install the Debian package dataset-fashion-mnist (apt-get install dataset-fashion-mnist)";

    public static string Directory => Environment.GetEnvironmentVariable("ORLEANSML_FASHION_MNIST") ?? FashionMnist.DefaultDirectory;

    /// <summary>The directory, or null after printing that the dataset is missing and how to get it (<paramref name="hint"/>).</summary>
    public static async Task<string?> FindAsync(TextWriter output, string hint = DebianHint)
    {
        if (File.Exists(Path.Combine(Directory, "train-images-idx3-ubyte.gz")))
        {
            return Directory;
        }

        await output.WriteLineAsync($"Fashion-MNIST is not in {Directory}: {hint} or set ORLEANSML_FASHION_MNIST.");
        return null;
    }
}
