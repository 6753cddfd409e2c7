namespace OrleansML.Grains.Jobs;

/// <summary>A job cannot continue; the message is the reason its status shows.</summary>
public sealed class JobFailedException : Exception
{
    public JobFailedException(string message, Exception? innerException = null) : base(message, innerException) { }

    public JobFailedException() : this("the job failed") { }

    public JobFailedException(string message) : this(message, null) { }
}
