using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansML.Runtime.Persistence;
using OrleansML.Runtime.Tests.Membership;

namespace OrleansML.Runtime.Tests.Persistence;

public sealed class FileGrainStorageTests : GrainStorageContractTests, IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FileGrainStorage _storage;

    public FileGrainStorageTests() => _storage = Create();

    protected override IGrainStorage Storage => _storage;

    public void Dispose() => _directory.Dispose();

    private FileGrainStorage Create() =>
        new(new FileGrainStorageOptions { DirectoryPath = _directory.Path }, TimeProvider.System, NullLogger<FileGrainStorage>.Instance);

    [Fact]
    public async Task State_survives_a_new_instance_and_leaves_no_temporary_files()
    {
        string etag = await _storage.WriteAsync("state", Grain, new byte[] { 7, 8 }, null, default);
        etag = await _storage.WriteAsync("state", Grain, new byte[] { 9 }, etag, default);
        StoredRecord? read = await Create().ReadAsync("state", Grain, default);
        Assert.Equal(etag, read!.Etag);
        Assert.Equal(new byte[] { 9 }, read.Data.ToArray());
        Assert.Empty(System.IO.Directory.GetFiles(_directory.Path, "*.tmp"));
        Assert.Single(System.IO.Directory.GetFiles(_directory.Path, "*.state"));
        Assert.Equal(0, _storage.LockedRecords);
    }

    [Fact]
    public async Task Separate_instances_on_one_directory_race_safely()
    {
        // Separate instances have separate in-process locks, as separate processes would: only the lock file guards them.
        string etag = await _storage.WriteAsync("state", Grain, new byte[] { 0 }, null, default);
        IGrainStorage[] writers = [.. Enumerable.Range(0, 6).Select(_ => Create())];
        Assert.Equal(1, await RaceAsync(writers, etag));
    }

    [Fact]
    public async Task Awkward_keys_map_to_distinct_safe_file_names()
    {
        GrainId[] grains =
        [
            new("type", "a/b"), new("type", "A/B"), new("type", "a.b"), new("type", "a_2fb"),
            new("type", "ключ ✓"), new("type", ""), new("type", new string('k', 500)), new("type", new string('k', 501)),
        ];
        for (int i = 0; i < grains.Length; i++)
        {
            await _storage.WriteAsync("state", grains[i], new byte[] { (byte)i }, null, default);
        }

        for (int i = 0; i < grains.Length; i++)
        {
            Assert.Equal(i, (await _storage.ReadAsync("state", grains[i], default))!.Data.Span[0]);
        }

        string[] names = [.. System.IO.Directory.GetFiles(_directory.Path, "*.state").Select(Path.GetFileName)!];
        Assert.Equal(grains.Length, names.Length);
        Assert.All(names, n => Assert.Matches("^[a-z0-9_.~-]+$", n));
        Assert.All(names, n => Assert.True(n.Length <= StateFileName.MaxLength + StateFileName.Extension.Length, n));
    }

    [Fact]
    public async Task A_corrupt_file_is_a_clear_error_naming_the_file()
    {
        await _storage.WriteAsync("state", Grain, new byte[] { 1, 2, 3, 4 }, null, default);
        string path = System.IO.Directory.GetFiles(_directory.Path, "*.state").Single();
        byte[] bytes = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, bytes[..^2]);
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => _storage.ReadAsync("state", Grain, default));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);

        await File.WriteAllTextAsync(path, "not a state file");
        error = await Assert.ThrowsAsync<InvalidDataException>(() => _storage.ReadAsync("state", Grain, default));
        Assert.Contains("not an OrleansML state file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_held_lock_file_times_out_with_the_option_name()
    {
        string etag = await _storage.WriteAsync("state", Grain, new byte[] { 1 }, null, default);
        string lockPath = System.IO.Directory.GetFiles(_directory.Path, "*.lock").Single();
        var impatient = new FileGrainStorage(
            new FileGrainStorageOptions { DirectoryPath = _directory.Path, LockTimeout = TimeSpan.FromMilliseconds(100) },
            TimeProvider.System, NullLogger<FileGrainStorage>.Instance);
        await using (new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            var error = await Assert.ThrowsAsync<TimeoutException>(() => impatient.WriteAsync("state", Grain, new byte[] { 2 }, etag, default));
            Assert.Contains("LockTimeout", error.Message, StringComparison.Ordinal);
        }

        await impatient.WriteAsync("state", Grain, new byte[] { 2 }, etag, default);
    }

    [Fact]
    public void Invalid_options_name_the_option()
    {
        var error = Assert.Throws<OptionsValidationException>(() => new FileGrainStorageOptions { DirectoryPath = "" }.Validate());
        Assert.Contains("DirectoryPath", error.Message, StringComparison.Ordinal);
        error = Assert.Throws<OptionsValidationException>(() => new FileGrainStorageOptions { DirectoryPath = "x", LockTimeout = TimeSpan.Zero }.Validate());
        Assert.Contains("LockTimeout", error.Message, StringComparison.Ordinal);
    }
}
