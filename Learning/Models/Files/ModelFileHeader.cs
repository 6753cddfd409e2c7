using System.Text.Json.Serialization;

namespace OrleansML.Learning.Models.Files;

/// <summary>
/// The JSON header of a model file: what the model is and where its tensors lie. The format is documented
/// in docs/model-format.md so that other languages can read it.
/// </summary>
public sealed record ModelFileHeader
{
    /// <summary>
    /// The labels worth recording for a classifier of <paramref name="classCount"/> classes: null when
    /// <paramref name="labels"/> is empty or just "0".."K-1" in order (the ids say the same), else the labels.
    /// </summary>
    public static IReadOnlyList<string>? MeaningfulLabels(IReadOnlyList<string>? labels)
    {
        if (labels is null || labels.Count == 0)
        {
            return null;
        }

        for (int k = 0; k < labels.Count; k++)
        {
            if (labels[k] != k.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                return [.. labels];
            }
        }

        return null;
    }

    /// <summary>Checks <see cref="ClassLabels"/> against the model: one distinct label per class, none for a regression.</summary>
    /// <returns>Null when they fit, else why not.</returns>
    public string? ClassLabelsProblem() => ClassLabelsProblem(Model, ClassLabels);

    /// <summary>Checks class labels against <paramref name="model"/> (a valid spec): null when they are absent or
    /// hold one distinct label per class, else why not.</summary>
    public static string? ClassLabelsProblem(ModelSpec model, IReadOnlyList<string>? labels)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (labels is null)
        {
            return null;
        }

        int classes = model.Create().Task switch
        {
            ModelTask.Regression => 0,
            ModelTask.BinaryClassification => 2,
            _ => model.ClassCount,
        };
        if (labels.Count != classes)
        {
            return $"classLabels holds {labels.Count} label(s), but the {model.Kind} model has {classes} class(es).";
        }

        return labels.Distinct(StringComparer.Ordinal).Count() != labels.Count ? "classLabels holds the same label more than once." : null;
    }

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

    /// <summary>
    /// A classifier's class names in class id order (<c>ClassLabels[k]</c> names class k), as they were in the training
    /// data: set when those labels were text or numbers other than 0..K-1, so predictions can be shown as the user's
    /// labels. Null (absent from the JSON, as in files written before it existed) means the labels are the ids themselves.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? ClassLabels { get; init; }

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
