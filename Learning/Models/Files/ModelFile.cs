using System.Text;
using System.Text.Json;
using OrleansML.Learning.Data.Partitioning;

namespace OrleansML.Learning.Models.Files;

/// <summary>A model read from a file: its header and its parameters.</summary>
public sealed record SavedModel(ModelFileHeader Header, float[] Parameters)
{
    /// <summary>Rebuilds the model the parameters belong to.</summary>
    public IModel CreateModel() => Header.Model.Create();
}

/// <summary>
/// The portable model file: the 8 ASCII bytes <c>OMLMODEL</c>, a little-endian uint32 header length, that
/// many bytes of UTF-8 JSON (<see cref="ModelFileHeader"/>), zero padding to a multiple of 64 bytes, then the
/// data section: each tensor as raw float32 little-endian values at its recorded offset. A reader needs only
/// a JSON parser and a float array; see docs/model-format.md.
/// </summary>
public static class ModelFile
{
    /// <summary>The format version this code writes and reads.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>The customary file extension.</summary>
    public const string Extension = ".omlmodel";

    /// <summary>The name of the flat parameter tensor.</summary>
    public const string ParametersTensor = "parameters";

    private const int Alignment = 64;
    private const int PrefixBytes = 12;
    private const int MaximumHeaderBytes = 16 << 20;
    private static readonly byte[] Magic = "OMLMODEL"u8.ToArray();

    /// <summary>Writes the model atomically (temporary file, flush, rename). The tensor table is filled in here.</summary>
    /// <exception cref="ArgumentException">The parameters do not match the spec's parameter count.</exception>
    public static void Write(string path, ModelFileHeader header, ReadOnlySpan<float> parameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = Serialize(header, parameters);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>Encodes the model file in memory (for downloads and blob uploads).</summary>
    public static byte[] Serialize(ModelFileHeader header, ReadOnlySpan<float> parameters)
    {
        ArgumentNullException.ThrowIfNull(header);
        int expected = header.Model.Create().ParameterCount;
        if (header.ClassLabelsProblem() is string labelProblem)
        {
            throw new ArgumentException(labelProblem, nameof(header));
        }

        if (parameters.Length != expected)
        {
            throw new ArgumentException($"the {header.Model.Kind} spec has {expected} parameters, but {parameters.Length} were given.", nameof(parameters));
        }

        ReadOnlySpan<byte> data = MemoryMarshal.AsBytes(parameters);
        ModelFileHeader complete = header with
        {
            FormatVersion = CurrentFormatVersion,
            Tensors = [new ModelTensorEntry(ParametersTensor, "float32", 0, parameters.Length, Crc32C.Compute(data))],
        };
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(complete, LearningJsonContext.Default.ModelFileHeader);
        int dataStart = Align(PrefixBytes + json.Length);
        var bytes = new byte[dataStart + data.Length];
        Magic.CopyTo(bytes, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)json.Length);
        json.CopyTo(bytes, PrefixBytes);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("model files are little-endian; big-endian hosts are not supported.");
        }

        data.CopyTo(bytes.AsSpan(dataStart));
        return bytes;
    }

    /// <summary>Reads and verifies a model file.</summary>
    /// <exception cref="DataFormatException">The file is not a model file, is truncated, or fails its checksum; the message names the byte offset.</exception>
    public static SavedModel Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Deserialize(File.ReadAllBytes(path), path);
    }

    /// <summary>Decodes a model file held in memory; <paramref name="displayName"/> names it in errors.</summary>
    public static SavedModel Deserialize(ReadOnlySpan<byte> bytes, string displayName)
    {
        if (bytes.Length < PrefixBytes || !bytes[..8].SequenceEqual(Magic))
        {
            throw Error(displayName, 0, "not an OrleansML model file (the first 8 bytes are not OMLMODEL).");
        }

        uint headerLength = BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
        if (headerLength > MaximumHeaderBytes || PrefixBytes + headerLength > bytes.Length)
        {
            throw Error(displayName, 8, $"the header length {headerLength} runs past the end of the {bytes.Length}-byte file.");
        }

        ModelFileHeader header;
        try
        {
            header = JsonSerializer.Deserialize(bytes.Slice(PrefixBytes, (int)headerLength), LearningJsonContext.Default.ModelFileHeader)
                ?? throw Error(displayName, PrefixBytes, "the header is JSON null.");
        }
        catch (JsonException e)
        {
            throw Error(displayName, PrefixBytes + (e.BytePositionInLine ?? 0), $"the header is not valid JSON: {e.Message}", e);
        }

        if (header.FormatVersion != CurrentFormatVersion)
        {
            throw Error(displayName, PrefixBytes, $"format version {header.FormatVersion} is not supported (this reader knows {CurrentFormatVersion}).");
        }

        int dataStart = Align(PrefixBytes + (int)headerLength);
        ModelTensorEntry tensor = header.Tensors.FirstOrDefault(t => t.Name == ParametersTensor)
            ?? throw Error(displayName, PrefixBytes, $"the header lists no '{ParametersTensor}' tensor.");
        if (tensor.DataType != "float32" || tensor.Offset < 0 || tensor.Length < 0 || tensor.Offset % Alignment != 0)
        {
            throw Error(displayName, PrefixBytes, $"tensor '{tensor.Name}' has an unsupported type or a bad offset ({tensor.DataType}, {tensor.Offset}).");
        }

        long start = dataStart + tensor.Offset;
        long byteCount = tensor.Length * sizeof(float);
        if (start + byteCount > bytes.Length)
        {
            throw Error(displayName, bytes.Length, $"the file is truncated: tensor '{tensor.Name}' needs bytes {start}..{start + byteCount}, but the file has {bytes.Length}.");
        }

        ReadOnlySpan<byte> data = bytes.Slice((int)start, (int)byteCount);
        uint checksum = Crc32C.Compute(data);
        if (checksum != tensor.Crc32C)
        {
            throw Error(displayName, start, $"tensor '{tensor.Name}' fails its checksum (stored {tensor.Crc32C:x8}, computed {checksum:x8}): the file is corrupt.");
        }

        try
        {
            header.Model.Validate();
        }
        catch (ArgumentException e)
        {
            throw Error(displayName, PrefixBytes, $"the header's model spec is invalid: {e.Message}", e);
        }

        if (header.ClassLabelsProblem() is string labelProblem)
        {
            throw Error(displayName, PrefixBytes, $"the header's {labelProblem}");
        }

        var parameters = new float[tensor.Length];
        data.CopyTo(MemoryMarshal.AsBytes(parameters.AsSpan()));
        int expected = header.Model.Create().ParameterCount;
        if (parameters.Length != expected)
        {
            throw Error(displayName, start, $"the {header.Model.Kind} spec needs {expected} parameters, but the file holds {parameters.Length}.");
        }

        return new SavedModel(header, parameters);
    }

    private static int Align(int offset) => (offset + Alignment - 1) / Alignment * Alignment;

    private static DataFormatException Error(string file, long byteOffset, string reason, Exception? inner = null) =>
        new(file, byteOffset, 0, $"at byte offset {byteOffset}: {reason}", inner);
}
