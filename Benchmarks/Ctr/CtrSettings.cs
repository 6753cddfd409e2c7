using System.Globalization;
using OrleansML.Jobs;

namespace OrleansML.Benchmarks.Ctr;

/// <summary>Settings of the CTR benchmark (command-line options), validated as they are read.</summary>
internal sealed record CtrSettings
{
    /// <summary>Training rows. Default 10,000,000 (the size); <c>--quick</c> makes it 200,000.</summary>
    public int Rows { get; init; } = 10_000_000;

    /// <summary>Held-out rows for AUC, drawn from the same model. Default a tenth of the training rows, at most 1,000,000.</summary>
    public int? TestRows { get; init; }

    /// <summary>log2 of the hashed feature count: 24 (the default) gives 2^24 buckets, a 64 MB logistic-regression model.</summary>
    public int FeaturesLog2 { get; init; } = 24;

    /// <summary>Which models to train, in order: <c>hashed</c> (hashed logistic regression) and <c>fm</c>. The
    /// last line reports the first.</summary>
    public IReadOnlyList<string> Models { get; init; } = ["hashed", "fm"];

    /// <summary>log2 of the factorization machine's feature count; the data's ids are folded into it (their low
    /// bits). Default 20 (k = 8: a 36 MiB model): at 2^24 the model is 576 MiB, and its shard's first checkpoint
    /// (parameters and Adam's moments, 1.7 GB) outlasted Orleans' 30 s response timeout on this loaded machine.</summary>
    public int FmFeaturesLog2 { get; init; } = 20;

    /// <summary>Factors per feature of the factorization machine. Default 8.</summary>
    public int FactorCount { get; init; } = 8;

    /// <summary>Zipf-drawn feature ids per row before duplicates merge. Default 20.</summary>
    public int FeaturesPerRow { get; init; } = 20;

    /// <summary>Rows per step, over all workers (the cluster's global batch and LocalTrainer's batch). Default 1000.</summary>
    public int BatchSize { get; init; } = 1000;

    /// <summary>Passes over the training rows. Default 1.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Adam's learning rate. Default 0.01.</summary>
    public float LearningRate { get; init; } = 0.01f;

    /// <summary>Consistency mode of the cluster jobs. Default BSP.</summary>
    public ConsistencyMode Mode { get; init; } = ConsistencyMode.Bsp;

    /// <summary>Silo processes (and workers) of every cluster run. Default 2.</summary>
    public int Silos { get; init; } = 2;

    /// <summary>Rounds of (LocalTrainer, 1 shard, 2 shards), alternating their order. Default 2.</summary>
    public int Rounds { get; init; } = 2;

    public int HeldOutRows => TestRows ?? Math.Clamp(Rows / 10, 1, 1_000_000);

    public static CtrSettings Parse(string[] options)
    {
        var settings = new CtrSettings();
        for (int i = 0; i < options.Length; i++)
        {
            if (options[i] == "--quick")
            {
                settings = settings with { Rows = 200_000, FeaturesLog2 = 18, FmFeaturesLog2 = 16, Rounds = 1 };
                continue;
            }

            string name = options[i];
            string value = i + 1 < options.Length ? options[++i] : throw new ArgumentException($"{name} needs a value.");
            settings = name switch
            {
                "--rows" => settings with { Rows = Int(name, value, 1000, int.MaxValue) },
                "--test-rows" => settings with { TestRows = Int(name, value, 100, int.MaxValue) },
                "--features-log2" => settings with { FeaturesLog2 = Int(name, value, 10, 26) },
                "--models" => settings with { Models = ModelList(value) },
                "--fm-features-log2" => settings with { FmFeaturesLog2 = Int(name, value, 10, 26) },
                "--factors" => settings with { FactorCount = Int(name, value, 1, 64) },
                "--features-per-row" => settings with { FeaturesPerRow = Int(name, value, 1, 1000) },
                "--batch-size" => settings with { BatchSize = Int(name, value, 1, 1_000_000) },
                "--epochs" => settings with { Epochs = Int(name, value, 1, 100) },
                "--learning-rate" => settings with { LearningRate = float.Parse(value, CultureInfo.InvariantCulture) is > 0 and var rate && float.IsFinite(rate) ? rate : throw new ArgumentException($"--learning-rate must be positive, got {value}.") },
                "--mode" => settings with { Mode = Enum.TryParse(value == "averaging" ? "ModelAveraging" : value, ignoreCase: true, out ConsistencyMode mode) ? mode : throw new ArgumentException($"--mode must be bsp, asp or ssp, got '{value}'.") },
                "--silos" => settings with { Silos = Int(name, value, 1, 8) },
                "--rounds" => settings with { Rounds = Int(name, value, 1, 20) },
                _ => throw new ArgumentException($"Unknown option {name} (ctr takes --quick, --rows, --test-rows, --features-log2, --models, --fm-features-log2, --factors, --features-per-row, --batch-size, --epochs, --learning-rate, --mode, --silos, --rounds)."),
            };
        }

        return settings;
    }

    private static int Int(string name, string value, int minimum, int maximum) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int parsed) && parsed >= minimum && parsed <= maximum
            ? parsed
            : throw new ArgumentException($"{name} must be an integer in [{minimum}, {maximum}], got '{value}'.");

    private static string[] ModelList(string value)
    {
        string[] models = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (string model in models)
        {
            if (model is not ("hashed" or "fm"))
            {
                throw new ArgumentException($"--models lists '{model}'; the models are hashed and fm.");
            }
        }

        return models.Length > 0 ? models.Distinct().ToArray() : throw new ArgumentException("--models names no model (hashed, fm).");
    }
}
