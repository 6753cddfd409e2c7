using OrleansML.Grains.Modes;
using OrleansML.Learning.Optimizers;

namespace OrleansML.Grains.Shards;

/// <summary>
/// What a shard holds: its configuration, its slice of parameters, the optimizer and its state, the version,
/// and the per-worker progress that makes pushes idempotent and drives SSP's clocks.
/// </summary>
/// <remarks>
/// Invariants: <c>Parameters.Length == Length</c>; <c>Clocks.Length == Assignment.WorkerCount</c>; the
/// optimizer and its state are both set (BSP, ASP, SSP; averaging's outer optimizer) or both null (L-BFGS). Every method here is
/// synchronous, so the grain mutates the state only inside a turn, never across an await.
/// </remarks>
internal sealed class ShardState
{
    private ShardState(ShardAssignment assignment, int start, float[] parameters, OptimizerState? optimizerState)
    {
        Assignment = assignment;
        Start = start;
        Parameters = parameters;
        OptimizerState = optimizerState;
        Optimizer = optimizerState is null ? null : assignment.Optimizer.Create();
        Clocks = new long[assignment.WorkerCount];
    }

    public ShardAssignment Assignment { get; private set; }

    public int Start { get; }

    public int Length => Parameters.Length;

    public float[] Parameters { get; }

    public Optimizer? Optimizer { get; }

    public OptimizerState? OptimizerState { get; }

    /// <summary>Updates applied (L-BFGS: the version the coordinator wrote).</summary>
    public long Version { get; set; }

    /// <summary>Optimizer updates applied: the 1-based update number of the next one is this plus one.</summary>
    public long UpdateCount { get; set; }

    /// <summary>The newest step accepted from each worker (a push at or below it is a duplicate).</summary>
    public Dictionary<int, long> LastSteps { get; } = [];

    /// <summary>SSP: each worker's clock, its last pushed step plus one.</summary>
    public long[] Clocks { get; private set; }

    /// <summary>True when the mode runs the optimizer on the shard.</summary>
    public static bool UsesOptimizer(ConsistencyMode mode) => ConsistencyRules.For(mode).ShardRunsOptimizer;

    /// <summary>Fresh state: the slice of the model's seeded initial parameters and zeroed optimizer state.</summary>
    public static ShardState Initialize(ShardAssignment assignment)
    {
        Learning.Models.IModel model = assignment.Model.Create();
        var layout = new ShardLayout(model.ParameterCount, assignment.ShardCount);
        int start = layout.Start(assignment.ShardIndex);
        float[] slice = InitialSlice(model, start, layout.Length(assignment.ShardIndex), assignment.Seed);
        OptimizerState? optimizerState = UsesOptimizer(assignment.Mode) ? assignment.Optimizer.Create().CreateState(slice.Length) : null;
        return new ShardState(assignment, start, slice, optimizerState);
    }

    /// <summary>
    /// The model's seeded initial values at [<paramref name="start"/>, start + <paramref name="length"/>). A model
    /// that can initialise a slice does so directly; any other builds the whole vector, which is garbage at once.
    /// </summary>
    private static float[] InitialSlice(Learning.Models.IModel model, int start, int length, int seed)
    {
        var slice = new float[length];
        if (model is Learning.Models.ISliceInitializable sliced)
        {
            sliced.InitializeSlice(slice, start, seed);
            return slice;
        }

        var full = new float[model.ParameterCount];
        model.InitializeParameters(full, seed);
        full.AsSpan(start, length).CopyTo(slice);
        return slice;
    }

    /// <summary>State rebuilt from a checkpoint's parts (see <see cref="ShardCheckpoint"/>).</summary>
    public static ShardState FromParts(ShardAssignment assignment, int start, float[] parameters, OptimizerState? optimizerState, long[] clocks)
    {
        var state = new ShardState(assignment, start, parameters, optimizerState);
        if (clocks.Length != assignment.WorkerCount)
        {
            throw new FormatException($"checkpoint holds {clocks.Length} worker clocks for {assignment.WorkerCount} workers.");
        }

        state.Clocks = clocks;
        return state;
    }

    /// <summary>Adopts the settings a later ConfigureAsync may change; workers added start at the slowest clock
    /// so they do not stall SSP pulls of the others (workers removed stop counting).</summary>
    public void Reconfigure(ShardAssignment assignment)
    {
        Debug.Assert(assignment.JobId == Assignment.JobId && assignment.ShardIndex == Assignment.ShardIndex);
        if (assignment.WorkerCount != Clocks.Length)
        {
            long slowest = Clocks.Length == 0 ? 0 : Clocks.Min();
            long[] clocks = new long[assignment.WorkerCount];
            for (int w = 0; w < clocks.Length; w++)
            {
                clocks[w] = w < Clocks.Length ? Clocks[w] : slowest;
            }

            Clocks = clocks;
        }

        Assignment = assignment;
    }

    /// <summary>The slowest worker's clock (0 without workers).</summary>
    public long SlowestClock => Clocks.Length == 0 ? 0 : Clocks.Min();

    public void ApplyGradient(ReadOnlySpan<float> gradient)
    {
        Debug.Assert(Optimizer is not null && OptimizerState is not null && gradient.Length == Length);
        Optimizer!.Apply(Parameters, gradient, OptimizerState!, UpdateCount + 1);
        UpdateCount++;
        Version++;
    }

    /// <summary>Applies a sparse gradient (slice-local keys, sorted) through the optimizer.</summary>
    public void ApplySparseGradient(ReadOnlySpan<int> localKeys, ReadOnlySpan<float> values)
    {
        Debug.Assert(Optimizer is not null && OptimizerState is not null && localKeys.Length == values.Length);
        Optimizer!.ApplySparse(Parameters, localKeys, values, OptimizerState!, UpdateCount + 1);
        UpdateCount++;
        Version++;
    }

    /// <summary>Records that <paramref name="worker"/> pushed <paramref name="pushedStep"/>; advances its clock.</summary>
    public void RecordStep(int worker, long pushedStep)
    {
        LastSteps[worker] = pushedStep;
        if (worker < Clocks.Length && Clocks[worker] < pushedStep + 1)
        {
            Clocks[worker] = pushedStep + 1;
        }
    }

    /// <summary>True when <paramref name="worker"/> already pushed <paramref name="pushedStep"/> or a later step.</summary>
    public bool IsDuplicate(int worker, long pushedStep) => LastSteps.TryGetValue(worker, out long last) && pushedStep <= last;
}
