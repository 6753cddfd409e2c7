namespace OrleansML.Jobs;

/// <summary>A training spec is invalid. <see cref="Field"/> names the offending field as a JSON path
/// (<c>workers</c>, <c>model.featureCount</c>, <c>data.trainManifest</c>).</summary>
[GenerateSerializer]
[Alias("OrleansML.TrainingSpecException")]
public sealed class TrainingSpecException : ArgumentException
{
    public TrainingSpecException(string field, string message, Exception? innerException = null)
        : base($"{field}: {message}", innerException)
    {
        Field = field;
    }

    /// <summary>Creates the exception with no field.</summary>
    public TrainingSpecException() : this("spec", "invalid training spec") { }

    /// <summary>Creates the exception with no field.</summary>
    public TrainingSpecException(string message) : this("spec", message) { }

    /// <summary>Creates the exception with no field.</summary>
    public TrainingSpecException(string message, Exception innerException) : this("spec", message, innerException) { }

    [Id(0)]
    public string Field { get; }
}
