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

    /// <summary>LocalTrainer's rows per step (the baseline's; the cluster's are below). Default 1000.</summary>
    public int BatchSize { get; init; } = 1000;

    /// <summary>The cluster's global batch for hashed logistic regression: rows per step over all workers. Default
    /// 8000, with <see cref="ClusterLearningRate"/> 0.03 (Benchmarks/README.md, ctr): every step exchanges the batch's
    /// distinct keys, and the shard's work per step grows with them while Zipf rows share most of theirs, so
    /// eight times the rows cost far less than eight steps. LocalTrainer at 8000 and 0.03 (what BSP reproduces)
    /// reached 0.8839 held-out AUC at 1 M rows and 0.9109 at 10 M, against 0.8841 and 0.9117 at 1000 and 0.01;
    /// 0.05 did better at 1 M (0.8851) and worse at 10 M (0.9057), 0.02 the reverse (0.8805, 0.9124).</summary>
    public int ClusterBatchSize { get; init; } = 8000;

    /// <summary>The cluster's Adam learning rate for hashed logistic regression. Default 0.03 (with the batch of 8000).</summary>
    public float ClusterLearningRate { get; init; } = 0.03f;

    /// <summary>The cluster's global batch for the factorization machine. Default 8000, at Adam 0.01 (not raised:
    /// in LocalTrainer, which BSP reproduces, the FM at 8000 rows reached 0.8794 held-out AUC at 0.01 but 0.8649 at
    /// 0.03 and 0.8406 at 0.05, against 0.8714 at 1000 and 0.01; 1 M rows).</summary>
    public int FmClusterBatchSize { get; init; } = 8000;

    /// <summary>The cluster's Adam learning rate for the factorization machine. Default 0.01.</summary>
    public float FmClusterLearningRate { get; init; } = 0.01f;

    /// <summary>Linear learning-rate warm-up of the cluster jobs, in updates. Default 0 (none).</summary>
    public long WarmupSteps { get; init; }

    /// <summary>SSP's staleness bound. Default: the spec's (2).</summary>
    public int? Staleness { get; init; }

    /// <summary>ASP: pull every this many steps. Default: the spec's (1).</summary>
    public int? PullEvery { get; init; }

    /// <summary>Model averaging: local steps a round. Default: the spec's (8).</summary>
    public int? AveragingInterval { get; init; }

    /// <summary>Passes over the training rows. Default 1.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>LocalTrainer's Adam learning rate. Default 0.01.</summary>
    public float LearningRate { get; init; } = 0.01f;

    /// <summary>Consistency mode of the cluster jobs. Default BSP, which reproduces LocalTrainer at the cluster's batch
    /// and rate. SSP exchanged less (at batch 8000, 1.4-2.0 s per second of compute against BSP's 3.0-4.1) but
    /// applies each worker's half batch as its own update: at 10 M rows and Adam 0.05 it ended 0.003 held-out AUC
    /// below BSP's equivalent, 0.009 below LocalTrainer's (Benchmarks/README.md, ctr).</summary>
    public ConsistencyMode Mode { get; init; } = ConsistencyMode.Bsp;

    /// <summary>Silo processes (and workers) of every cluster run. Default 2.</summary>
    public int Silos { get; init; } = 2;

    /// <summary>Rounds of (LocalTrainer, 1 shard, 2 shards), alternating their order. Default 2.</summary>
    public int Rounds { get; init; } = 2;

    /// <summary>Runs no cluster: LocalTrainer at its own settings and at the cluster's (batch, rate, warm-up), which
    /// under BSP is the run the cluster reproduces. For tuning the cluster's optimizer quickly. Default false.</summary>
    public bool LocalOnly { get; init; }

    /// <summary>The cluster's global batch for <paramref name="model"/> (<c>hashed</c> or <c>fm</c>).</summary>
    public int ClusterBatch(string model) => model == "fm" ? FmClusterBatchSize : ClusterBatchSize;

    /// <summary>The cluster's learning rate for <paramref name="model"/> (<c>hashed</c> or <c>fm</c>).</summary>
    public float ClusterRate(string model) => model == "fm" ? FmClusterLearningRate : ClusterLearningRate;

    public int HeldOutRows => TestRows ?? Math.Clamp(Rows / 10, 1, 1_000_000);

    public static CtrSettings Parse(string[] options) => BenchmarkOptions.Parse(
        "ctr",
        options,
        new CtrSettings(),
        new Dictionary<string, Func<CtrSettings, OptionValue, CtrSettings>>
        {
            ["--rows"] = (s, o) => s with { Rows = o.Int(1000) },
            ["--test-rows"] = (s, o) => s with { TestRows = o.Int(100) },
            ["--features-log2"] = (s, o) => s with { FeaturesLog2 = o.Int(10, 26) },
            ["--models"] = (s, o) => s with { Models = [.. o.List(v => v.OneOf("hashed", "fm")).Distinct()] },
            ["--fm-features-log2"] = (s, o) => s with { FmFeaturesLog2 = o.Int(10, 26) },
            ["--factors"] = (s, o) => s with { FactorCount = o.Int(1, 64) },
            ["--features-per-row"] = (s, o) => s with { FeaturesPerRow = o.Int(1, 1000) },
            ["--batch-size"] = (s, o) => s with { BatchSize = o.Int(1, 1_000_000) },
            ["--epochs"] = (s, o) => s with { Epochs = o.Int(1, 100) },
            ["--learning-rate"] = (s, o) => s with { LearningRate = (float)o.Positive() },
            ["--cluster-batch-size"] = (s, o) => s with { ClusterBatchSize = o.Int(1, 1_000_000) },
            ["--cluster-learning-rate"] = (s, o) => s with { ClusterLearningRate = (float)o.Positive() },
            ["--fm-cluster-batch-size"] = (s, o) => s with { FmClusterBatchSize = o.Int(1, 1_000_000) },
            ["--fm-cluster-learning-rate"] = (s, o) => s with { FmClusterLearningRate = (float)o.Positive() },
            ["--warmup-steps"] = (s, o) => s with { WarmupSteps = o.Int(0) },
            ["--staleness"] = (s, o) => s with { Staleness = o.Int(0, 1_000_000) },
            ["--pull-every"] = (s, o) => s with { PullEvery = o.Int(1, 1_000_000) },
            ["--averaging-interval"] = (s, o) => s with { AveragingInterval = o.Int(1, 1_000_000) },
            ["--mode"] = (s, o) => s with { Mode = o.Mode() },
            ["--silos"] = (s, o) => s with { Silos = o.Int(1, 8) },
            ["--rounds"] = (s, o) => s with { Rounds = o.Int(1, 20) },
        },
        new Dictionary<string, Func<CtrSettings, CtrSettings>> 
        {
            ["--quick"] = s => s with { Rows = 200_000, FeaturesLog2 = 18, FmFeaturesLog2 = 16, Rounds = 1 },
            ["--local-only"] = s => s with { LocalOnly = true },
        });
}
