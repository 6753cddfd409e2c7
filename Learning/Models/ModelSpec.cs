using OrleansML.Learning.Models.Sparse;

namespace OrleansML.Learning.Models;

/// <summary>
/// Which model to build, and its dimensions: the serialisable description a training spec and a model file
/// carry, from which <see cref="Create"/> rebuilds the same <see cref="IModel"/> (and parameter layout) anywhere.
/// </summary>
public sealed record ModelSpec
{
    /// <summary>The model. Default <see cref="ModelKind.SoftmaxRegression"/>.</summary>
    public ModelKind Kind { get; init; } = ModelKind.SoftmaxRegression;

    /// <summary>Input features: dense columns, or the feature-id range of a factorization machine. Ignored by
    /// hashed logistic regression (its input is 2^<see cref="HashBits"/> buckets).</summary>
    public int FeatureCount { get; init; }

    /// <summary>Classes of softmax regression and of the MLP's output layer. Default 10.</summary>
    public int ClassCount { get; init; } = 10;

    /// <summary>Hidden layer widths of the MLP, input side first. Default: one layer of 128.</summary>
    public IReadOnlyList<int> HiddenLayers { get; init; } = [128];

    /// <summary>log2 of the bucket count of hashed logistic regression. Default 20.</summary>
    public int HashBits { get; init; } = 20;

    /// <summary>Factors per feature of the factorization machine. Default 8.</summary>
    public int FactorCount { get; init; } = 8;

    /// <summary>Binary classification or regression, for the factorization machine. Default binary.</summary>
    public ModelTask FactorizationTask { get; init; } = ModelTask.BinaryClassification;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field as <c>{path}.{field}</c>.</summary>
    public void Validate(string path = "model")
    {
        switch (Kind)
        {
            case ModelKind.LinearRegression or ModelKind.LogisticRegression:
                RequireAtLeast(FeatureCount, 1, path, "featureCount");
                break;
            case ModelKind.SoftmaxRegression:
                RequireAtLeast(FeatureCount, 1, path, "featureCount");
                RequireAtLeast(ClassCount, 2, path, "classCount");
                break;
            case ModelKind.Mlp:
                RequireAtLeast(FeatureCount, 1, path, "featureCount");
                RequireAtLeast(ClassCount, 2, path, "classCount");
                if (HiddenLayers is null || HiddenLayers.Count == 0)
                {
                    throw Invalid($"{path}.hiddenLayers must list at least one layer width.", "hiddenLayers");
                }

                for (int i = 0; i < HiddenLayers.Count; i++)
                {
                    RequireAtLeast(HiddenLayers[i], 1, path, $"hiddenLayers[{i}]");
                }

                break;
            case ModelKind.HashedLogisticRegression:
                RequireRange(HashBits, HashedLogisticRegressionOptions.MinimumHashBits, HashedLogisticRegressionOptions.MaximumHashBits, path, "hashBits");
                break;
            case ModelKind.FactorizationMachine:
                RequireAtLeast(FeatureCount, 1, path, "featureCount");
                RequireRange(FactorCount, 1, FactorizationMachineOptions.MaximumFactorCount, path, "factorCount");
                if (FactorizationTask is not (ModelTask.BinaryClassification or ModelTask.Regression))
                {
                    throw Invalid($"{path}.factorizationTask must be BinaryClassification or Regression, got {FactorizationTask}.", "factorizationTask");
                }

                if ((long)FeatureCount * (FactorCount + 1) + 1 > Array.MaxLength)
                {
                    throw Invalid($"{path}: featureCount {FeatureCount} x (factorCount {FactorCount} + 1) parameters do not fit one array.", "featureCount");
                }

                break;
            default:
                throw Invalid($"{path}.kind '{Kind}' is not a known model.", "kind");
        }
    }

    /// <summary>Validates and builds the model.</summary>
    public IModel Create()
    {
        Validate();
        return Kind switch
        {
            ModelKind.LinearRegression => new LinearRegression(FeatureCount),
            ModelKind.LogisticRegression => new LogisticRegression(FeatureCount),
            ModelKind.SoftmaxRegression => new SoftmaxRegression(FeatureCount, ClassCount),
            ModelKind.Mlp => new Mlp([FeatureCount, .. HiddenLayers, ClassCount]),
            ModelKind.HashedLogisticRegression => new HashedLogisticRegression(new HashedLogisticRegressionOptions { HashBits = HashBits }),
            _ => new FactorizationMachine(new FactorizationMachineOptions { FeatureCount = FeatureCount, FactorCount = FactorCount, Task = FactorizationTask }),
        };
    }

    /// <summary>Value equality that compares the hidden layers element by element.</summary>
    public bool Equals(ModelSpec? other) =>
        other is not null && Kind == other.Kind && FeatureCount == other.FeatureCount && ClassCount == other.ClassCount
        && HashBits == other.HashBits && FactorCount == other.FactorCount && FactorizationTask == other.FactorizationTask
        && (HiddenLayers ?? []).SequenceEqual(other.HiddenLayers ?? []);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, FeatureCount, ClassCount, HashBits, FactorCount, FactorizationTask, HiddenLayers?.Count ?? 0);

    private static ArgumentException Invalid(string message, string field) => new(message, field);

    private static void RequireAtLeast(int value, int minimum, string path, string field)
    {
        if (value < minimum)
        {
            throw new ArgumentException($"{path}.{field} must be at least {minimum}, got {value}.", field);
        }
    }

    private static void RequireRange(int value, int minimum, int maximum, string path, string field)
    {
        if (value < minimum || value > maximum)
        {
            throw new ArgumentException($"{path}.{field} must be between {minimum} and {maximum}, got {value}.", field);
        }
    }
}
