namespace OrleansML.Tensors;

/// <summary>A tensor arrived damaged or in a layout this build does not read.</summary>
[GenerateSerializer]
[Alias("OrleansML.TensorFormatException")]
public sealed class TensorFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TensorFormatException(string message) : base($"Tensor format: {message}") { }

    /// <summary>Creates the exception.</summary>
    public TensorFormatException() : this("the block is damaged") { }

    /// <summary>Creates the exception.</summary>
    public TensorFormatException(string message, Exception innerException) : base(message, innerException) { }
}
