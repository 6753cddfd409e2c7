namespace OrleansML.Learning.Models.Store;

/// <summary>
/// A model could not be found or read from the store. The message names the model (<c>name[:version]</c>), the
/// blob when one is involved, and what is wrong; for an unknown model it lists the models the store does hold.
/// </summary>
public sealed class ModelStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModelStoreException(string model, string? blob, string message, bool notFound, Exception? inner = null)
        : base(message, inner)
    {
        Model = model;
        Blob = blob;
        NotFound = notFound;
    }

    /// <summary>The model asked for, <c>name</c> or <c>name:version</c>.</summary>
    public string Model { get; }

    /// <summary>The blob the failure is about, when there is one.</summary>
    public string? Blob { get; }

    /// <summary>Whether the model or version does not exist (rather than existing but being unreadable).</summary>
    public bool NotFound { get; }
}
