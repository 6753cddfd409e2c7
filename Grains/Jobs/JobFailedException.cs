namespace OrleansML.Grains.Jobs;

/// <summary>A job cannot continue; the message is the reason its status shows.</summary>
public sealed class JobFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public JobFailedException(string message, Exception? innerException = null) : base(message, innerException) { }

    /// <summary>Creates the exception.</summary>
    public JobFailedException() : this("the job failed") { }

    /// <summary>Creates the exception.</summary>
    public JobFailedException(string message) : this(message, null) { }
}
