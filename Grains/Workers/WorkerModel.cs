using OrleansML.GrainInterfaces;
using OrleansML.Learning.Models;
using OrleansML.Learning.Optimizers;

namespace OrleansML.Grains.Workers;

/// <summary>
/// A worker's model and buffers for one assignment: the full parameter vector it pulls into, the gradient
/// buffers it pushes from, and (model averaging) its local optimizer. Reused across epochs, so steps allocate
/// only their messages.
/// </summary>
internal sealed class WorkerModel
{
    private readonly SparseGradient? _touched;
    private readonly Optimizer? _localOptimizer;
    private readonly OptimizerState? _localState;
    private readonly float[] _gradient;

    public WorkerModel(WorkerAssignment assignment, WorkerData data)
    {
        Assignment = assignment;
        Data = data;
        Model = assignment.Model.Create();
        Parameters = new float[Model.ParameterCount];
        _gradient = new float[Model.ParameterCount];
        if (Model is ISparseModel sparse && assignment.Mode != OrleansML.Jobs.ConsistencyMode.ModelAveraging)
        {
            // Averaging moves whole models; only per-step modes profit from touching just the batch's keys.
            Sparse = sparse;
            SparseGradient = new SparseGradient(Model.ParameterCount);
            _touched = new SparseGradient(Model.ParameterCount);
        }

        if (assignment.Mode == OrleansML.Jobs.ConsistencyMode.ModelAveraging)
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

    public ReadOnlyMemory<float> Gradient => _gradient;

    public SparseGradient SparseGradient { get; } = new(1);

    public float ComputeGradient(DataBatch batch) => Model.ComputeGradient(Parameters, batch, _gradient);

    public float ComputeSparseGradient(DataBatch batch) => Sparse!.ComputeSparseGradient(Parameters, batch, SparseGradient);

    /// <summary>The sorted parameter keys <paramref name="batch"/> reads.</summary>
    public ReadOnlyMemory<int> CollectKeys(DataBatch batch)
    {
        _touched!.Clear();
        Sparse!.CollectTouchedParameters(batch, _touched);
        _touched.SortByKey();
        return _touched.Keys.ToArray();
    }

    /// <summary>Model averaging: one local optimizer step at global step <paramref name="globalStep"/>. The update
    /// number (which drives the learning-rate schedule) is the global step's, not a count kept here: a count would
    /// run on through an aborted attempt (or restart at 0 in a reactivated worker), so a retried epoch would replay
    /// its batches at other rates than the run without a failure.</summary>
    public void ApplyLocal(ReadOnlySpan<float> gradient, long globalStep)
    {
        System.Diagnostics.Debug.Assert(globalStep >= 0, "global steps count from 0");
        _localOptimizer!.Apply(Parameters, gradient, _localState!, globalStep + 1);
    }

    /// <summary>Whether this model serves <paramref name="assignment"/> (same job layout and mode).</summary>
    public bool Serves(WorkerAssignment assignment) =>
        Assignment.JobId == assignment.JobId && Assignment.Model.Equals(assignment.Model) && Assignment.Mode == assignment.Mode
        && Assignment.ShardCount == assignment.ShardCount && Assignment.LocalOptimizer == assignment.LocalOptimizer
        && Data.Key == WorkerData.KeyOf(assignment);
}
