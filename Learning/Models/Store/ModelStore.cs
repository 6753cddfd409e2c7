using System.Security.Cryptography;
using System.Text.Json;
using OrleansML.Learning.Models.Files;

namespace OrleansML.Learning.Models.Store;

/// <summary>
/// Saved models in an <see cref="IBlobStore"/>, by name and version: each version is a portable model file
/// (<c>models/&lt;name&gt;/&lt;version&gt;.omlm</c>, see docs/model-format.md) and a small JSON entry beside it
/// (<see cref="StoredModelEntry"/>) that listings read instead of the file. The store is all a reader needs: a
/// process with no cluster finds every model a cluster sharing the store has saved.
/// </summary>
/// <remarks>
/// Guarantees: a save writes the model file first and its entry last, so a listed version always has its file; a
/// save interrupted in between leaves an unlisted file that the next save of that version number replaces. Every
/// load checks the file's length and SHA-256 against the entry. Versions of one name must be saved by one writer at
/// a time (a cluster's model registry grain is that writer); saves of different names are independent.
/// </remarks>
public sealed class ModelStore
{
    private readonly TimeProvider _time;

    /// <summary>Creates a model store over <paramref name="blobs"/>; <paramref name="time"/> stamps saves (default: the system clock).</summary>
    public ModelStore(IBlobStore blobs, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        Blobs = blobs;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The blob store the models live in.</summary>
    public IBlobStore Blobs { get; }

    /// <summary>
    /// Saves a new version of <paramref name="name"/> (one more than the newest stored) and returns its entry. When
    /// <paramref name="jobId"/> is given and a version of that job is already stored, that version is returned and
    /// nothing is written, so a job that resumes after a failure does not save twice. <paramref name="classLabels"/> are
    /// the training data's labels in class id order (<see cref="ModelFileHeader.ClassLabels"/>; "0".."K-1" are not recorded).
    /// </summary>
    /// <exception cref="ArgumentException">The name is invalid, or the parameters do not fit the spec.</exception>
    /// <exception cref="BlobStoreException">The store could not be written.</exception>
    public async Task<StoredModelEntry> SaveAsync(string name, ModelSpec model, ReadOnlyMemory<float> parameters,
        IReadOnlyDictionary<string, double>? metrics = null, string? jobId = null, IReadOnlyList<string>? classLabels = null,
        CancellationToken cancellationToken = default)
    {
        ModelNames.Validate(name);
        ArgumentNullException.ThrowIfNull(model);
        model.Validate("model");
        IReadOnlyList<StoredModelEntry> versions = await ListVersionsAsync(name, cancellationToken);
        if (jobId is not null && versions.FirstOrDefault(v => v.JobId == jobId) is StoredModelEntry saved)
        {
            return saved;
        }

        int version = versions.Count == 0 ? 1 : versions[^1].Version + 1;
        return await SaveVersionAsync(name, version, model, parameters, metrics, jobId, classLabels, cancellationToken);
    }

    /// <summary>
    /// Writes version <paramref name="version"/> of <paramref name="name"/> (file first, entry last), replacing any
    /// file or entry of that number, and returns its entry. For a writer that chose the number itself: a cluster's
    /// model registry reserves it, and the grain that holds the parameters writes them here, so that a large model's
    /// bytes never cross a grain call.
    /// </summary>
    /// <exception cref="ArgumentException">The name or version is invalid, or the parameters do not fit the spec.</exception>
    /// <exception cref="BlobStoreException">The store could not be written.</exception>
    public async Task<StoredModelEntry> SaveVersionAsync(string name, int version, ModelSpec model, ReadOnlyMemory<float> parameters,
        IReadOnlyDictionary<string, double>? metrics = null, string? jobId = null, IReadOnlyList<string>? classLabels = null,
        CancellationToken cancellationToken = default)
    {
        ModelNames.Validate(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        ArgumentNullException.ThrowIfNull(model);
        model.Validate("model");
        var copiedMetrics = new Dictionary<string, double>(metrics ?? new Dictionary<string, double>());
        DateTimeOffset created = _time.GetUtcNow();
        var header = new ModelFileHeader
        {
            Name = name,
            Version = version,
            Model = model,
            CreatedUtc = created,
            Metrics = copiedMetrics,
            ClassLabels = ModelFileHeader.MeaningfulLabels(classLabels),
        };
        byte[] file = ModelFile.Serialize(header, parameters.Span);
        var entry = new StoredModelEntry
        {
            Name = name,
            Version = version,
            Blob = ModelNames.ModelBlob(name, version),
            Bytes = file.Length,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(file)),
            Model = model,
            Metrics = copiedMetrics,
            JobId = jobId,
            CreatedUtc = created,
            ClassLabels = header.ClassLabels,
        };
        await Blobs.WriteAsync(entry.Blob, file, cancellationToken);
        await Blobs.WriteAsync(ModelNames.EntryBlob(name, version),
            JsonSerializer.SerializeToUtf8Bytes(entry, LearningJsonContext.Default.StoredModelEntry), cancellationToken);
        return entry;
    }

    /// <summary>Every stored version of every model, by name (ordinal) then version.</summary>
    /// <exception cref="ModelStoreException">An entry is unreadable (the message names its blob).</exception>
    public Task<IReadOnlyList<StoredModelEntry>> ListAsync(CancellationToken cancellationToken = default) =>
        ListUnderAsync(ModelNames.Folder + "/", cancellationToken);

    /// <summary>The stored versions of <paramref name="name"/>, oldest first; empty when there are none.</summary>
    public Task<IReadOnlyList<StoredModelEntry>> ListVersionsAsync(string name, CancellationToken cancellationToken = default)
    {
        ModelNames.Validate(name);
        return ListUnderAsync(ModelNames.VersionsPrefix(name), cancellationToken);
    }

    /// <summary>The entry of <paramref name="name"/> at <paramref name="version"/> (0: the newest).</summary>
    /// <exception cref="ModelStoreException">No such model (the message lists the stored names) or version (it lists the versions).</exception>
    public async Task<StoredModelEntry> FindAsync(string name, int version = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        string reference = version == 0 ? name : $"{name}:{version}";
        if (ModelNames.Problem(name) is string problem)
        {
            throw new ModelStoreException(reference, null, $"model name {problem}.", notFound: true);
        }

        IReadOnlyList<StoredModelEntry> versions = await ListVersionsAsync(name, cancellationToken);
        if (versions.Count == 0)
        {
            IReadOnlyList<StoredModelEntry> all = await ListAsync(cancellationToken);
            string known = all.Count == 0 ? "it holds no models" : "it holds " + string.Join(", ", all.Select(e => e.Name).Distinct());
            throw new ModelStoreException(reference, null, $"there is no model named '{name}' in the model store ({Blobs.Location}); {known}.", notFound: true);
        }

        return (version == 0 ? versions[^1] : versions.FirstOrDefault(v => v.Version == version))
            ?? throw new ModelStoreException(reference, null,
                $"model '{name}' has no version {version} in the model store ({Blobs.Location}); its versions are {string.Join(", ", versions.Select(v => v.Version))}.", notFound: true);
    }

    /// <summary>The model file of <paramref name="entry"/>, checked against the entry's length and SHA-256.</summary>
    /// <exception cref="ModelStoreException">The file is missing or does not match its entry (the message names the model and the blob).</exception>
    public async Task<byte[]> ReadFileAsync(StoredModelEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        byte[] file;
        try
        {
            file = await Blobs.ReadAllBytesAsync(entry.Blob, cancellationToken);
        }
        catch (BlobNotFoundException exception)
        {
            throw new ModelStoreException(entry.ToString(), entry.Blob,
                $"model '{entry}' is listed, but its model file, blob '{entry.Blob}' in {Blobs.Location}, is missing.", notFound: false, exception);
        }

        string sha256 = Convert.ToHexStringLower(SHA256.HashData(file));
        if (file.Length != entry.Bytes || sha256 != entry.Sha256)
        {
            throw new ModelStoreException(entry.ToString(), entry.Blob,
                $"model '{entry}' is corrupt: blob '{entry.Blob}' in {Blobs.Location} has {file.Length} bytes with SHA-256 {sha256}, " +
                $"but the model was saved as {entry.Bytes} bytes with SHA-256 {entry.Sha256}.", notFound: false);
        }

        return file;
    }

    /// <summary>Finds, reads and decodes <paramref name="name"/> at <paramref name="version"/> (0: the newest).</summary>
    /// <exception cref="ModelStoreException">No such model or version, or its file is missing or corrupt.</exception>
    public async Task<SavedModel> LoadAsync(string name, int version = 0, CancellationToken cancellationToken = default)
    {
        StoredModelEntry entry = await FindAsync(name, version, cancellationToken);
        byte[] file = await ReadFileAsync(entry, cancellationToken);
        try
        {
            return ModelFile.Deserialize(file, entry.Blob);
        }
        catch (DataFormatException exception)
        {
            throw new ModelStoreException(entry.ToString(), entry.Blob, $"model '{entry}': blob '{entry.Blob}' in {Blobs.Location} is not a valid model file: {exception.Message}", notFound: false, exception);
        }
    }

    private async Task<IReadOnlyList<StoredModelEntry>> ListUnderAsync(string prefix, CancellationToken cancellationToken)
    {
        var entries = new List<StoredModelEntry>();
        await foreach (string blob in Blobs.ListAsync(prefix, cancellationToken))
        {
            if (ModelNames.ParseEntryBlob(blob) is (string name, int version))
            {
                entries.Add(await ReadEntryAsync(blob, name, version, cancellationToken));
            }
        }

        entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name) is int byName and not 0 ? byName : a.Version.CompareTo(b.Version));
        return entries;
    }

    private async Task<StoredModelEntry> ReadEntryAsync(string blob, string name, int version, CancellationToken cancellationToken)
    {
        string reference = $"{name}:{version}";
        try
        {
            byte[] json = await Blobs.ReadAllBytesAsync(blob, cancellationToken);
            StoredModelEntry entry = JsonSerializer.Deserialize(json, LearningJsonContext.Default.StoredModelEntry)
                ?? throw new JsonException("the entry is JSON null");
            return entry.Name == name && entry.Version == version && entry.Blob == ModelNames.ModelBlob(name, version)
                ? entry
                : throw new JsonException($"it describes {entry.Name}:{entry.Version} in blob '{entry.Blob}'");
        }
        catch (JsonException exception)
        {
            throw new ModelStoreException(reference, blob, $"model '{reference}' has an unreadable entry, blob '{blob}' in {Blobs.Location}: {exception.Message}.", notFound: false, exception);
        }
    }
}
