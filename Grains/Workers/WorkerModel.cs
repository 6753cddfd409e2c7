using OrleansML.Grains.Modes;
using OrleansML.Learning.Optimizers;

namespace OrleansML.Grains.Workers;

/// <summary>
/// A worker's model and buffers for one assignment: the full parameter vector it pulls into, the gradient
/// buffers it pushes from, and (model averaging) its local optimizer. Reused across epochs, so steps allocate
/// only their messages.
/// </summary>
/// <remarks>
/// A sparse model in a per-step mode never computes a dense gradient, so the dense buffer is made only when one
/// is asked for; its sparse gradient and key set grow with the batch's touched keys (the key set dedupes with
/// one bit per parameter). The worker otherwise held three model-sized buffers it never needed besides its
/// parameters (a dense gradient and two key maps). Their pages count in resident memory only where written, so the
/// peak fell by less than their size: 627 to 563 MiB on the silo without a shard (the ctr benchmark, 2^24
/// features, Benchmarks/README.md).
/// </remarks>
internal sealed class WorkerModel
{
    private readonly Optimizer? _localOptimizer;
    private OptimizerState? _localState;
    private float[]? _gradient;

    public WorkerModel(WorkerAssignment assignment, WorkerData data)
    {
        Assignment = assignment;
        Data = data;
        Model = assignment.Model.Create();
        Parameters = new float[Model.ParameterCount];
        bool trainsLocally = ConsistencyRules.For(assignment.Mode).WorkerTrainsLocally;
        if (Model is ISparseModel sparse && !trainsLocally)
        {
            // Averaging moves whole models; only per-step modes profit from touching just the batch's keys.
            Sparse = sparse;
            SparseGradient = new SparseGradient(Model.ParameterCount);
            Keys = new BatchKeys(sparse, Model.ParameterCount);
        }

        if (trainsLocally)
        {
            _localOptimizer = assignment.LocalOptimizer.Create();
            _localState = _localOptimizer.CreateState(Model.ParameterCount);
        }
    }

    public WorkerAssignment Assignment { get; }

    public WorkerData Data { get; }

    public IModel Model { get; }

    public ISparseModel? Sparse { get; }

    /// <summary>The full parameter vector; per-step modes overwrite the parts they pull.</summary>
    public float[] Parameters { get; }

    /// <summary>The dense gradient of the last <see cref="ComputeGradient"/>.</summary>
    public ReadOnlyMemory<float> Gradient => DenseGradient;

    public SparseGradient SparseGradient { get; } = new(1);

    /// <summary>The keys a sparse model's per-step pulls ask for (null for dense models and model averaging).</summary>
    public BatchKeys? Keys { get; }

    private float[] DenseGradient => _gradient ??= new float[Model.ParameterCount];

    public float ComputeGradient(DataBatch batch) => Model.ComputeGradient(Parameters, batch, DenseGradient);

    public float ComputeSparseGradient(DataBatch batch) => Sparse!.ComputeSparseGradient(Parameters, batch, SparseGradient);

    /// <summary>Model averaging: one local optimizer step at global step <paramref name="globalStep"/>. The update
    /// number (which drives the learning-rate schedule) is the global step's, not a count kept here: a count would
    /// run on through an aborted attempt (or restart at 0 in a reactivated worker), so a retried epoch would replay
    /// its batches at other rates than the run without a failure.</summary>
    public void ApplyLocal(ReadOnlySpan<float> gradient, long globalStep)
    {
        System.Diagnostics.Debug.Assert(globalStep >= 0, "global steps count from 0");
        _localOptimizer!.Apply(Parameters, gradient, _localState!, globalStep + 1);
    }

    /// <summary>Whether model averaging's local optimizer keeps moments between steps (SGD keeps none).</summary>
    public bool HasLocalMoments => _localState is { BufferCount: > 0 };

    /// <summary>The global step the local optimizer's moments belong to: they hold every update before it.
    /// Fresh moments belong to step 0.</summary>
    public long LocalMomentsStep { get; set; }

    public byte[] SaveLocalMoments() => _localState!.Serialize();

    /// <summary>Takes the moments <paramref name="encoded"/> (from <see cref="SaveLocalMoments"/>) as those of step
    /// <paramref name="step"/>.</summary>
    public void RestoreLocalMoments(ReadOnlySpan<byte> encoded, long step)
    {
        OptimizerState restored = OptimizerState.Deserialize(encoded);
        if (restored.OptimizerName != _localState!.OptimizerName || restored.ParameterCount != _localState.ParameterCount || restored.BufferCount != _localState.BufferCount)
        {
            throw new InvalidDataException(
                $"The saved local optimizer state ({restored.OptimizerName}, {restored.ParameterCount} parameters) does not fit this worker's ({_localState.OptimizerName}, {_localState.ParameterCount}).");
        }

        _localState = restored;
        LocalMomentsStep = step;
    }

    /// <summary>Starts over with fresh moments, taken as those of step <paramref name="step"/>.</summary>
    public void ResetLocalMoments(long step)
    {
        _localState = _localOptimizer!.CreateState(Model.ParameterCount);
        LocalMomentsStep = step;
    }

    /// <summary>Whether this model serves <paramref name="assignment"/> (same job layout and mode).</summary>
    public bool Serves(WorkerAssignment assignment) =>
        Assignment.JobId == assignment.JobId && Assignment.Model.Equals(assignment.Model) && Assignment.Mode == assignment.Mode
        && Assignment.ShardCount == assignment.ShardCount && Assignment.LocalOptimizer == assignment.LocalOptimizer
        && Data.Key == WorkerData.KeyOf(assignment);
}
