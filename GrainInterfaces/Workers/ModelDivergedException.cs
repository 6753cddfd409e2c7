namespace OrleansML.Workers;

/// <summary>
/// A worker's loss became NaN or infinite. Replaying the same batches from the same checkpoint diverges again,
/// so the coordinator fails the job at once instead of retrying (lower the learning rate).
/// </summary>
[GenerateSerializer]
[Alias("OrleansML.ModelDivergedException")]
public sealed class ModelDivergedException : Exception
{
    public ModelDivergedException(string message) : base(message) { }

    public ModelDivergedException() : this("the model diverged") { }

    public ModelDivergedException(string message, Exception innerException) : base(message, innerException) { }
}
