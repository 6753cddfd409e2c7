namespace OrleansML.Jobs;

/// <summary>How workers and parameter shards keep the model consistent.</summary>
[GenerateSerializer]
[Alias("OrleansML.ConsistencyMode")]
public enum ConsistencyMode
{
    /// <summary>Bulk synchronous: a barrier per step. Each shard waits for the pushes of every worker (less
    /// <see cref="TrainingSpec.BackupWorkers"/>), applies their row-weighted mean once, and only then serves
    /// the next step's pulls.</summary>
    Bsp,

    /// <summary>Asynchronous: a push is applied on arrival; workers pull every
    /// <see cref="TrainingSpec.PullEvery"/> steps and never wait.</summary>
    Asp,

    /// <summary>Stale synchronous (bounded staleness): pushes apply on arrival, shards keep a clock per worker,
    /// and a pull blocks a worker more than <see cref="TrainingSpec.Staleness"/> clocks ahead of the slowest.</summary>
    Ssp,

    /// <summary>Model averaging: each worker takes <see cref="TrainingSpec.AveragingInterval"/> local steps with
    /// its own optimizer, then the shards average the workers' models (weighted by rows).</summary>
    ModelAveraging,

    /// <summary>Full-batch L-BFGS, as Spark MLlib trains logistic regression: each iteration, the loss and the
    /// gradient are summed over every partition and the coordinator takes the quasi-Newton step.</summary>
    Lbfgs,
}

/// <summary>How parameters and gradients travel between workers and shards.</summary>
[GenerateSerializer]
[Alias("OrleansML.TensorCompression")]
public enum TensorCompression
{
    /// <summary>32-bit floats, exact.</summary>
    None,

    /// <summary>IEEE half precision: half the bytes, about three significant digits.</summary>
    Float16,
}
