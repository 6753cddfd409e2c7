namespace OrleansML.Learning.Models.Files;

/// <summary>
/// The JSON header of a model file: what the model is and where its tensors lie. The format is documented
/// in docs/model-format.md so that other languages can read it.
/// </summary>
public sealed record ModelFileHeader
{
    /// <summary>Format version; readers reject versions they do not know. Currently 1.</summary>
    public int FormatVersion { get; init; } = ModelFile.CurrentFormatVersion;

    /// <summary>The model's name (the name it was saved under).</summary>
    public required string Name { get; init; }

    /// <summary>The version of that name, counting from 1.</summary>
    public int Version { get; init; } = 1;

    /// <summary>How to rebuild the model (and so the parameter layout).</summary>
    public required ModelSpec Model { get; init; }

    /// <summary>When the model was saved.</summary>
    public DateTimeOffset CreatedUtc { get; init; }

    /// <summary>Final evaluation figures, by metric name (accuracy, logLoss, auc, rmse), when known.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>The tensors that follow the header.</summary>
    public IReadOnlyList<ModelTensorEntry> Tensors { get; init; } = [];
}

/// <summary>One tensor: <paramref name="Length"/> float32 values at byte <paramref name="Offset"/> of the data
/// section, with a CRC-32C of their bytes.</summary>
/// <param name="Name">"parameters" for the flat parameter vector.</param>
/// <param name="DataType">"float32" (little-endian IEEE 754), the only type of format version 1.</param>
/// <param name="Offset">Byte offset from the start of the data section (a multiple of 64).</param>
/// <param name="Length">Number of elements.</param>
/// <param name="Crc32C">CRC-32C (Castagnoli) of the tensor's bytes.</param>
public sealed record ModelTensorEntry(string Name, string DataType, long Offset, long Length, uint Crc32C);
