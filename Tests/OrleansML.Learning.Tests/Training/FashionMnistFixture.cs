namespace OrleansML.Learning.Tests.Training;

/// <summary>Loads Fashion-MNIST once for the test class. ./test.sh installs the Debian package and sets
/// ORLEANSML_FASHION_MNIST; without it the default Debian path is used, and a missing dataset fails the
/// tests with the install command (never a silent skip).</summary>
public sealed class FashionMnistFixture
{
    public FashionMnistFixture()
    {
        string directory = Environment.GetEnvironmentVariable("ORLEANSML_FASHION_MNIST") ?? FashionMnist.DefaultDirectory;
        Data = FashionMnist.Load(directory);
    }

    public FashionMnistData Data { get; }
}
