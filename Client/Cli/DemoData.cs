using System.Diagnostics;
using OrleansML.Learning.Data.Partitioning;
using OrleansML.Learning.Data.Readers;

namespace OrleansML.Cli;

/// <summary>
/// The demo's Fashion-MNIST data: found in <c>ORLEANSML_FASHION_MNIST</c> or the Debian package's directory
/// (installed with apt-get when the process may), partitioned once into the cache directory
/// (<c>$XDG_CACHE_HOME/orleansml</c> or <c>~/.cache/orleansml</c>) and reused while the manifests' row counts
/// match.
/// </summary>
internal static class DemoData
{
    public const int TrainPartitions = 8;
    public const int TestPartitions = 2;
    public const int TrainRows = 60_000;
    public const int TestRows = 10_000;
    private const string Package = "dataset-fashion-mnist";

    /// <summary>The train and test manifests.</summary>
    /// <exception cref="CliException">The data is missing and cannot be installed (exit 2, saying what to do).</exception>
    public static (string Train, string Test) Prepare(IReadOnlyDictionary<string, string?> environment, TextWriter output)
    {
        string cache = Path.Combine(CacheRoot(environment), "fashion-mnist");
        string train = Path.Combine(cache, "train" + PartitionedDataset.ManifestSuffix);
        string test = Path.Combine(cache, "test" + PartitionedDataset.ManifestSuffix);
        if (Matches(train, TrainRows, TrainPartitions) && Matches(test, TestRows, TestPartitions))
        {
            output.WriteLine($"using partitioned Fashion-MNIST in {cache}");
            return (train, test);
        }

        string source = environment.TryGetValue("ORLEANSML_FASHION_MNIST", out string? configured) && !string.IsNullOrWhiteSpace(configured)
            ? configured
            : FashionMnist.DefaultDirectory;
        if (!File.Exists(Path.Combine(source, "train-images-idx3-ubyte.gz")) && !File.Exists(Path.Combine(source, "train-images-idx3-ubyte")))
        {
            Install(source, output);
        }

        output.WriteLine($"partitioning Fashion-MNIST from {source} into {cache}");
        FashionMnistData data = FashionMnist.Load(source);
        Directory.CreateDirectory(cache);
        PartitionedDataset.Write(cache, "train", data.Train, TrainPartitions);
        PartitionedDataset.Write(cache, "test", data.Test, TestPartitions);
        return (train, test);
    }

    internal static string CacheRoot(IReadOnlyDictionary<string, string?> environment) =>
        environment.TryGetValue("XDG_CACHE_HOME", out string? xdg) && !string.IsNullOrWhiteSpace(xdg)
            ? Path.Combine(xdg, "orleansml")
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "orleansml");

    private static bool Matches(string manifest, long rows, int partitions)
    {
        try
        {
            DatasetManifest opened = DatasetLocation.Open(manifest);
            return opened.RowCount == rows && opened.Partitions.Count == partitions && opened.ColumnCount == FashionMnist.PixelCount;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or Learning.Data.DataFormatException)
        {
            return false;
        }
    }

    private static void Install(string source, TextWriter output)
    {
        string instructions = $"Fashion-MNIST was not found in {source}. Install it with 'sudo apt-get install -y {Package}' " +
            $"(it goes to {FashionMnist.DefaultDirectory}), or set ORLEANSML_FASHION_MNIST to a directory holding " +
            "train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz.";
        if (source != FashionMnist.DefaultDirectory)
        {
            throw new CliException(ExitCodes.BadUsage, instructions);
        }

        (string file, string arguments)? installer = Environment.IsPrivilegedProcess
            ? ("apt-get", $"install -y {Package}")
            : Run("sudo", "-n true") == 0 ? ("sudo", $"-n apt-get install -y {Package}") : null;
        if (installer is null)
        {
            throw new CliException(ExitCodes.BadUsage, instructions);
        }

        output.WriteLine($"Fashion-MNIST is missing: running '{installer.Value.file} {installer.Value.arguments}'");
        if (Run(installer.Value.file, installer.Value.arguments) != 0)
        {
            // A fresh machine's package lists may not know the package yet: refresh them once and retry.
            string update = installer.Value.file == "sudo" ? "-n apt-get update" : "update";
            output.WriteLine($"the install failed: running '{installer.Value.file} {update}' and retrying");
            if (Run(installer.Value.file, update) == 0 && Run(installer.Value.file, installer.Value.arguments) == 0)
            {
                return;
            }

            throw new CliException(ExitCodes.BadUsage, $"'{installer.Value.file} {installer.Value.arguments}' failed. {instructions}");
        }
    }

    private static int Run(string file, string arguments)
    {
        try
        {
            using Process process = Process.Start(new ProcessStartInfo(file, arguments) { UseShellExecute = false, RedirectStandardInput = true })
                ?? throw new InvalidOperationException($"could not start {file}");
            process.StandardInput.Close();
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}
