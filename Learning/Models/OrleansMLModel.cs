using OrleansML.Learning.Models.Files;
using OrleansML.Learning.Models.Store;

namespace OrleansML.Learning.Models;

/// <summary>
/// A trained model loaded for prediction in this process, with no cluster: from a model file
/// (<see cref="ModelFile"/>) or from a model store by <c>name[:version]</c>.
/// </summary>
/// <remarks>Safe for concurrent use: predictions share one model instance's scratch buffers, so they take turns.</remarks>
public sealed class OrleansMLModel
{
    /// <summary>The folder of the data directory that holds the local blob store (the silo's default too).</summary>
    public const string LocalBlobFolder = "blobs";

    private readonly IModel _model;
    private readonly Lock _gate = new();

    private OrleansMLModel(SavedModel saved)
    {
        Saved = saved;
        _model = saved.CreateModel();
    }

    /// <summary>The model's header: name, version, spec, metrics, creation time.</summary>
    public ModelFileHeader Header => Saved.Header;

    /// <summary>The model and its dimensions.</summary>
    public ModelSpec Spec => Saved.Header.Model;

    /// <summary>Whether it regresses or classifies.</summary>
    public ModelTask Task => _model.Task;

    /// <summary>Whether rows are dense feature vectors or sparse (id, value) lists.</summary>
    public ModelInput Input => _model.Input;

    /// <summary>How many features a row has: dense rows have exactly this many values, sparse ids lie below it.</summary>
    public int FeatureCount => Spec.Kind == ModelKind.HashedLogisticRegression ? 1 << Spec.HashBits : Spec.FeatureCount;

    /// <summary>Values per row that <see cref="Predict(ReadOnlySpan{float})"/> returns: 1 (a value, or P(y=1)), or the class count.</summary>
    public int OutputsPerRow => _model.OutputsPerRow;

    /// <summary>The model file's contents (header and parameters).</summary>
    public SavedModel Saved { get; }

    /// <summary>
    /// Loads <paramref name="path"/>: a model file when one exists at that path; otherwise a model named
    /// <c>name</c> (newest version) or <c>name:version</c> in the local model store of the default data directory
    /// (<see cref="DefaultStoreDirectory"/>), where the CLI's embedded cluster saves the models it trains.
    /// </summary>
    /// <exception cref="DataFormatException">The file is not a valid model file.</exception>
    /// <exception cref="ModelStoreException">No such file, and no such model in the store, or its blob is corrupt.</exception>
    public static OrleansMLModel Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (File.Exists(path))
        {
            return new OrleansMLModel(ModelFile.Read(path));
        }

        string directory = DefaultStoreDirectory()
            ?? throw new ModelStoreException(path, null, $"'{path}' is not a file, and there is no default model store: neither XDG_DATA_HOME nor HOME is set.", notFound: true);
        return Load(path, new LocalDirectoryBlobStore(directory));
    }

    /// <summary>Loads <c>name</c> (newest version) or <c>name:version</c> from the model store in <paramref name="blobs"/>.</summary>
    /// <exception cref="ModelStoreException">No such model or version, or its blob is missing or corrupt.</exception>
    public static OrleansMLModel Load(string reference, IBlobStore blobs)
    {
        (string name, int version) = ParseReference(reference);
        return LoadAsync(new ModelStore(blobs), name, version).GetAwaiter().GetResult();
    }

    /// <summary>Loads <paramref name="name"/> at <paramref name="version"/> (0: the newest) from <paramref name="store"/>.</summary>
    /// <exception cref="ModelStoreException">No such model or version, or its blob is missing or corrupt.</exception>
    public static async Task<OrleansMLModel> LoadAsync(ModelStore store, string name, int version = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return new OrleansMLModel(await store.LoadAsync(name, version, cancellationToken));
    }

    /// <summary>Wraps a model already read.</summary>
    public static OrleansMLModel From(SavedModel saved)
    {
        ArgumentNullException.ThrowIfNull(saved);
        return new OrleansMLModel(saved);
    }

    /// <summary>The local model store of the data directory the CLI uses by default: <c>ORLEANSML_DATA_DIR</c> when set,
    /// else <c>$XDG_DATA_HOME/orleansml</c> or <c>~/.local/share/orleansml</c>; null when there is no home directory.</summary>
    public static string? DefaultStoreDirectory()
    {
        string? data = Environment.GetEnvironmentVariable("ORLEANSML_DATA_DIR") is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : BlobStoreOptions.DefaultDirectory();
        return data is null ? null : Path.Combine(data, LocalBlobFolder);
    }

    /// <summary>Splits <c>name</c> or <c>name:version</c> (version 0 means the newest).</summary>
    /// <exception cref="ArgumentException">Not of that form.</exception>
    public static (string Name, int Version) ParseReference(string reference)
    {
        string[] parts = (reference ?? "").Split(':');
        int version = 0;
        if (parts.Length > 2 || ModelNames.Problem(parts[0]) is not null
            || (parts.Length == 2 && (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out version) || version < 1)))
        {
            throw new ArgumentException($"'{reference}' must be <name> or <name>:<version>, with a name of 1-64 letters, digits, '-', '_' or '.' and a version of 1 or more.", nameof(reference));
        }

        return (parts[0], version);
    }

    /// <summary>Predicts one dense row: <see cref="OutputsPerRow"/> values.</summary>
    public float[] Predict(ReadOnlySpan<float> features) => PredictBatch(features, 1);

    /// <summary>Predicts <paramref name="rowCount"/> dense rows (row-major): <see cref="OutputsPerRow"/> values per row.</summary>
    /// <exception cref="ArgumentException">The model reads sparse rows, or the length is not rowCount x <see cref="FeatureCount"/>.</exception>
    public float[] PredictBatch(ReadOnlySpan<float> rows, int rowCount)
    {
        if (Input != ModelInput.Dense)
        {
            throw new ArgumentException($"model '{Header.Name}:{Header.Version}' is a {Spec.Kind}, which reads sparse rows: pass ids and values.", nameof(rows));
        }

        if (rowCount < 1 || (long)rowCount * FeatureCount != rows.Length)
        {
            throw new ArgumentException($"{rowCount} rows of {FeatureCount} features need {(long)rowCount * FeatureCount} values, but {rows.Length} were given (at least one row).", nameof(rows));
        }

        var dataset = new DenseDataset(rows.ToArray(), new float[rowCount], FeatureCount);
        return Run(DataBatch.All(dataset), rowCount);
    }

    /// <summary>Predicts one sparse row (increasing ids below <see cref="FeatureCount"/>).</summary>
    public float[] Predict(ReadOnlySpan<int> ids, ReadOnlySpan<float> values) =>
        PredictBatch(new SparseDataset<int>([0, ids.Length], ids.ToArray(), values.ToArray(), [0f], FeatureCount));

    /// <summary>Predicts every row of a sparse dataset (its labels are ignored).</summary>
    /// <exception cref="ArgumentException">The model reads dense rows, or the dataset's ids exceed <see cref="FeatureCount"/>.</exception>
    public float[] PredictBatch(SparseDataset<int> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (Input != ModelInput.Sparse)
        {
            throw new ArgumentException($"model '{Header.Name}:{Header.Version}' is a {Spec.Kind}, which reads dense rows of {FeatureCount} features.", nameof(rows));
        }

        return rows.RowCount == 0 ? [] : Run(DataBatch.All(rows), rows.RowCount);
    }

    /// <summary>A classifier's class probabilities for one dense row: [P(0), P(1)] for a binary classifier, K values otherwise.</summary>
    /// <exception cref="InvalidOperationException">The model is a regression.</exception>
    public float[] PredictProbabilities(ReadOnlySpan<float> features)
    {
        float[] outputs = Predict(features);
        return Task switch
        {
            ModelTask.Regression => throw new InvalidOperationException($"model '{Header.Name}:{Header.Version}' is a regression; it has no class probabilities."),
            ModelTask.BinaryClassification => [1f - outputs[0], outputs[0]],
            _ => outputs,
        };
    }

    /// <summary>A classifier's most likely class for one dense row (a binary classifier's threshold is 0.5).</summary>
    public int PredictClass(ReadOnlySpan<float> features)
    {
        float[] probabilities = PredictProbabilities(features);
        int best = 0;
        for (int k = 1; k < probabilities.Length; k++)
        {
            best = probabilities[k] > probabilities[best] ? k : best;
        }

        return best;
    }

    /// <summary>The training data's labels in class id order, or null when the class ids are the labels (regressions too).</summary>
    public IReadOnlyList<string>? ClassLabels => Header.ClassLabels;

    /// <summary>The name of class <paramref name="classId"/>: its label in the training data, or the id itself
    /// ("0", "1", ...) when the model has no <see cref="ClassLabels"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a class of this classifier.</exception>
    /// <exception cref="InvalidOperationException">The model is a regression.</exception>
    public string ClassLabel(int classId)
    {
        int classes = Task switch
        {
            ModelTask.Regression => throw new InvalidOperationException($"model '{Header.Name}:{Header.Version}' is a regression; it has no classes."),
            ModelTask.BinaryClassification => 2,
            _ => OutputsPerRow,
        };
        ArgumentOutOfRangeException.ThrowIfNegative(classId);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(classId, classes);
        return ClassLabels?[classId] ?? classId.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>A classifier's most likely class for one dense row, named as in the training data (see <see cref="ClassLabel"/>).</summary>
    public string PredictLabel(ReadOnlySpan<float> features) => ClassLabel(PredictClass(features));

    private float[] Run(DataBatch batch, int rowCount)
    {
        var outputs = new float[rowCount * OutputsPerRow];
        lock (_gate)
        {
            _model.Predict(Saved.Parameters, batch, outputs);
        }

        return outputs;
    }
}
