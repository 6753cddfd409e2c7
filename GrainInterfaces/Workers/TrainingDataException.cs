namespace OrleansML.Workers;

/// <summary>
/// A worker could not use its training data: a partition is missing, damaged or malformed. Retrying would read the
/// same data again, so the job fails at once with this message, which names the data and what is wrong.
/// </summary>
[GenerateSerializer]
[Alias("OrleansML.TrainingDataException")]
public sealed class TrainingDataException : Exception
{
    public TrainingDataException(string message) : base(message) { }

    public TrainingDataException() : this("the training data could not be read") { }

    /// <summary>Creates the exception; the inner exception stays on this side of the wire.</summary>
    public TrainingDataException(string message, Exception innerException) : base(message, innerException) { }
}
