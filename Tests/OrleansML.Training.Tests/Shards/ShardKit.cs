namespace OrleansML.Training.Tests.Shards;

/// <summary>Assignments, pushes and expected values for the shard tests.</summary>
internal static class ShardKit
{
    public const float LearningRate = 0.5f;

    /// <summary>Model averaging: the outer step's block momentum.</summary>
    public const float OuterMomentum = 0.5f;

    /// <summary>Linear regression over 7 features: 8 parameters.</summary>
    public static ModelSpec Linear { get; } = new() { Kind = ModelKind.LinearRegression, FeatureCount = 7 };

    /// <summary>Hashed logistic regression over 2^4 buckets: 17 parameters.</summary>
    public static ModelSpec Hashed { get; } = new() { Kind = ModelKind.HashedLogisticRegression, HashBits = 4 };

    public static string NewJob(string name) => $"{name}-{Guid.NewGuid():N}";

    public static ShardAssignment Assignment(string job, ConsistencyMode mode, int workers = 2, int shards = 1, int index = 0,
        ModelSpec? model = null, int backup = 0, int staleness = 1, int checkpointEvery = 0) => new()
        {
            JobId = job,
            ShardIndex = index,
            ShardCount = shards,
            Model = model ?? Linear,
            // Model averaging's shards run the outer step the coordinator gives them (ModelAveragingRules.OuterOptimizer).
            Optimizer = mode == ConsistencyMode.ModelAveraging
                ? new OptimizerSettings { Kind = OptimizerKind.Momentum, LearningRate = 1, Momentum = OuterMomentum }
                : new OptimizerSettings { Kind = OptimizerKind.Sgd, LearningRate = LearningRate },
            Mode = mode,
            WorkerCount = workers,
            BackupWorkers = backup,
            Staleness = staleness,
            Seed = 7,
            CheckpointEverySteps = checkpointEvery,
        };

    public static GradientPush Dense(long attempt, int worker, long pushStep, int rows, float[] values) =>
        new() { Attempt = attempt, WorkerId = worker, Step = pushStep, Rows = rows, Values = new FloatTensor(values) };

    public static GradientPush Sparse(long attempt, int worker, long pushStep, int rows, int[] keys, float[] values) =>
        new() { Attempt = attempt, WorkerId = worker, Step = pushStep, Rows = rows, Keys = new IndexTensor(keys), Values = new FloatTensor(values) };

    public static PullRequest Pull(long attempt, int worker = 0, long clock = 0, long minimumVersion = 0, int[]? keys = null,
        TensorCompression compression = TensorCompression.None) =>
        new() { Attempt = attempt, WorkerId = worker, Step = clock, MinimumVersion = minimumVersion, Keys = IndexTensor.Wrap(keys), Compression = compression };

    /// <summary>The shard's whole slice as it is now.</summary>
    public static async Task<float[]> ReadAsync(IParameterShardGrain shard) => (await shard.ReadParametersAsync()).Values;

    /// <summary>Begins attempt 1 of a configured one-worker shard, then for steps 0 to <paramref name="checkpoints"/> - 1
    /// pushes <paramref name="gradient"/> and takes checkpoint step + 1; returns the parameters at each checkpoint.</summary>
    public static async Task<float[][]> PushAndCheckpointAsync(IParameterShardGrain shard, float[] gradient, int checkpoints)
    {
        await shard.BeginAsync(1);
        var held = new float[checkpoints][];
        for (int step = 0; step < checkpoints; step++)
        {
            await shard.PushAsync(Dense(1, 0, step, 1, gradient));
            await shard.CheckpointAsync(step + 1);
            held[step] = await ReadAsync(shard);
        }

        return held;
    }

    /// <summary>A gradient that differs per worker and per parameter.</summary>
    public static float[] Gradient(int length, int worker) =>
        [.. Enumerable.Range(0, length).Select(i => ((i + 1) * 0.25f) - (worker * 0.75f))];

    /// <summary>The row-weighted mean of two values, computed as the shard does (in double).</summary>
    public static float Mean(float a, int rowsA, float b, int rowsB) => (float)((((double)a * rowsA) + ((double)b * rowsB)) / (rowsA + rowsB));

    /// <summary>Asserts two vectors agree to 1e-6 (relative, with an absolute floor), naming the first index that differs.</summary>
    public static void Close(float[] expected, float[] actual, double tolerance = 1e-6)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double bound = tolerance * Math.Max(1, Math.Abs(expected[i]));
            Assert.True(Math.Abs(expected[i] - actual[i]) <= bound, $"index {i}: expected {expected[i]}, got {actual[i]}");
        }
    }

    /// <summary>Asserts a task is still running after a short grace period.</summary>
    public static async Task StillWaitingAsync(Task task, string what)
    {
        await Task.WhenAny(task, Task.Delay(300));
        Assert.False(task.IsCompleted, $"{what} completed too early ({task.Status}: {task.Exception?.InnerException?.Message})");
    }

    /// <summary>Bounds a wait so a broken shard fails the test instead of hanging it.</summary>
    public static Task<T> Bounded<T>(Task<T> task) => task.WaitAsync(TimeSpan.FromSeconds(8));
}
