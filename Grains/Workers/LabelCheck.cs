using OrleansML.Learning.Data;

namespace OrleansML.Grains.Workers;

/// <summary>
/// Checks a partition's labels against the job's model when a worker loads it, so a label the model cannot learn
/// (class 12 of a 10-class model, a 3 for logistic regression, a NaN) fails the job once, naming the partition and the
/// row, instead of failing every step of every retry from inside the kernels.
/// </summary>
internal static class LabelCheck
{
    /// <summary>Throws <see cref="DataFormatException"/> for the first label <paramref name="model"/> cannot take.</summary>
    public static void Check(ModelSpec model, ReadOnlySpan<float> labels, string source)
    {
        (string rule, Func<float, bool> valid) = Rule(model);
        for (int row = 0; row < labels.Length; row++)
        {
            if (!valid(labels[row]))
            {
                throw new DataFormatException(source, row + 1, 0,
                    string.Create(CultureInfo.InvariantCulture, $"row {row + 1} of the partition has label {labels[row]}, but a {model.Kind} model needs {rule}"));
            }
        }
    }

    private static (string Rule, Func<float, bool> Valid) Rule(ModelSpec model) => model.Kind switch
    {
        ModelKind.SoftmaxRegression or ModelKind.Mlp => (
            $"class ids 0 to {model.ClassCount - 1} (classCount {model.ClassCount})",
            label => label >= 0 && label < model.ClassCount && label == MathF.Floor(label)),
        ModelKind.LogisticRegression or ModelKind.HashedLogisticRegression => ("labels in [0, 1]", label => label is >= 0f and <= 1f),
        ModelKind.FactorizationMachine when model.FactorizationTask == ModelTask.BinaryClassification => ("labels in [0, 1]", label => label is >= 0f and <= 1f),
        _ => ("finite labels", float.IsFinite),
    };
}
