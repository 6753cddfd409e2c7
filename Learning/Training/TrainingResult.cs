using OrleansML.Learning.Metrics;

namespace OrleansML.Learning.Training;

/// <summary>The outcome of a training run.</summary>
public sealed class TrainingResult(float[] parameters, IReadOnlyList<EpochReport> epochs, bool stoppedEarly)
{
    /// <summary>The trained parameters (the model's flat layout).</summary>
    public float[] Parameters { get; } = parameters;

    /// <summary>One report per epoch run.</summary>
    public IReadOnlyList<EpochReport> Epochs { get; } = epochs;

    /// <summary>True when early stopping ended the run.</summary>
    public bool StoppedEarly { get; } = stoppedEarly;

    /// <summary>The last epoch's test metrics, if any.</summary>
    public EvaluationResult? FinalTest => Epochs.Count > 0 ? Epochs[^1].Test : null;

    /// <summary>Training rows per second of training time, over the whole run.</summary>
    public double ExamplesPerSecond
    {
        get
        {
            double seconds = Epochs.Sum(e => e.TrainingTime.TotalSeconds);
            return seconds > 0 ? Epochs.Sum(e => e.ExamplesProcessed) / seconds : 0;
        }
    }
}
