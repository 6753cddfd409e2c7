using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using OrleansML.Grains.Hosting.Storage;

namespace OrleansML.Training.Tests.Client;

/// <summary>A state type for the storage tests (Orleans' binary serializer needs generated code).</summary>
[GenerateSerializer]
[Alias("OrleansML.Training.Tests.Client.StorageProbe")]
public sealed class StorageProbe
{
    [Id(0)]
    public int Counter { get; set; }

    [Id(1)]
    public float[] Values { get; set; } = [];
}

public sealed class DirectoryGrainStorageTests : IDisposable
{
    private static readonly GrainId s_grain = GrainId.Create("probe", "key-1");
    private readonly TempDirectory _directory = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    public void Dispose()
    {
        _services.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task A_written_state_reads_back_with_a_growing_version_as_its_etag()
    {
        DirectoryGrainStorage storage = Storage();
        var state = new GrainState<StorageProbe>(new StorageProbe());

        await storage.ReadStateAsync("probe", s_grain, state);
        Assert.Equal((false, (string?)null), (state.RecordExists, state.ETag));

        state.State = new StorageProbe { Counter = 7, Values = [1.5f, -2f] };
        await storage.WriteStateAsync("probe", s_grain, state);
        Assert.Equal((true, "1"), (state.RecordExists, state.ETag));
        state.State!.Counter = 8;
        await storage.WriteStateAsync("probe", s_grain, state);

        GrainState<StorageProbe> read = await ReadAsync(Storage());
        Assert.Equal((true, "2", 8), (read.RecordExists, read.ETag, read.State!.Counter));
        Assert.Equal([1.5f, -2f], read.State!.Values);
    }

    [Fact]
    public async Task A_write_with_a_stale_etag_fails_and_the_last_acknowledged_write_survives()
    {
        DirectoryGrainStorage silo1 = Storage();
        DirectoryGrainStorage silo2 = Storage();
        var first = new GrainState<StorageProbe>(new StorageProbe { Counter = 1 });
        await silo1.WriteStateAsync("probe", s_grain, first);
        var second = new GrainState<StorageProbe>(new StorageProbe());
        await silo2.ReadStateAsync("probe", s_grain, second);
        second.State!.Counter = 2;
        await silo2.WriteStateAsync("probe", s_grain, second); // acknowledged: version 2

        first.State!.Counter = 99; // this activation still holds version 1
        InconsistentStateException conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => silo1.WriteStateAsync("probe", s_grain, first));

        Assert.Equal(("2", "1"), (conflict.StoredEtag, conflict.CurrentEtag));
        Assert.Contains("another activation or process wrote it", conflict.Message, StringComparison.Ordinal);
        GrainState<StorageProbe> read = await ReadAsync(Storage());
        Assert.Equal((2, "2"), (read.State!.Counter, read.ETag));
    }

    [Fact]
    public async Task Concurrent_writers_with_the_same_etag_let_exactly_one_win()
    {
        var seed = new GrainState<StorageProbe>(new StorageProbe());
        await Storage().WriteStateAsync("probe", s_grain, seed);
        DirectoryGrainStorage[] silos = [Storage(), Storage(), Storage(), Storage()];

        Task[] writes = [.. Enumerable.Range(0, 16).Select(i => Task.Run(() =>
            silos[i % silos.Length].WriteStateAsync("probe", s_grain, new GrainState<StorageProbe>(new StorageProbe { Counter = 100 + i }, "1"))))];
        await Task.WhenAll(writes.Select(async write =>
        {
            try
            {
                await write;
            }
            catch (InconsistentStateException)
            {
                // the losers
            }
        }));

        Assert.Equal(1, writes.Count(w => w.IsCompletedSuccessfully));
        GrainState<StorageProbe> read = await ReadAsync(Storage());
        Assert.Equal("2", read.ETag);
        int winner = Array.FindIndex(writes, w => w.IsCompletedSuccessfully);
        Assert.Equal(100 + winner, read.State!.Counter);
        Assert.Empty(Directory.GetFiles(_directory.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Clearing_keeps_a_versioned_record_that_a_writer_from_before_cannot_overwrite()
    {
        DirectoryGrainStorage storage = Storage();
        var state = new GrainState<StorageProbe>(new StorageProbe { Counter = 5 });
        await storage.WriteStateAsync("probe", s_grain, state);
        var stale = new GrainState<StorageProbe>(new StorageProbe { Counter = 6 }, state.ETag);

        await storage.ClearStateAsync("probe", s_grain, state);

        Assert.Equal((false, "2", 0), (state.RecordExists, state.ETag, state.State!.Counter));
        var read = new GrainState<StorageProbe>(new StorageProbe { Counter = 42 });
        await storage.ReadStateAsync("probe", s_grain, read);
        Assert.Equal((false, "2", 0), (read.RecordExists, read.ETag, read.State!.Counter));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("probe", s_grain, stale));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("probe", s_grain, new GrainState<StorageProbe>(new StorageProbe())));
        await storage.WriteStateAsync("probe", s_grain, read);
        Assert.Equal("3", read.ETag);
    }

    [Fact]
    public async Task Delete_on_clear_removes_the_file_and_resets_the_etag()
    {
        DirectoryGrainStorage storage = Storage(o => o.DeleteStateOnClear = true);
        var state = new GrainState<StorageProbe>(new StorageProbe { Counter = 5 });
        await storage.WriteStateAsync("probe", s_grain, state);

        await storage.ClearStateAsync("probe", s_grain, state);

        Assert.Equal((false, (string?)null), (state.RecordExists, state.ETag));
        Assert.Empty(Directory.GetFiles(_directory.Path, "*" + StatePaths.StateSuffix, SearchOption.AllDirectories));
        await storage.WriteStateAsync("probe", s_grain, state);
        Assert.Equal("1", state.ETag);
    }

    [Fact]
    public async Task A_writer_in_another_process_holding_the_lock_makes_a_write_wait_or_time_out()
    {
        DirectoryGrainStorage storage = Storage(o => o.LockTimeout = TimeSpan.FromMilliseconds(300));
        var state = new GrainState<StorageProbe>(new StorageProbe { Counter = 1 });
        await storage.WriteStateAsync("probe", s_grain, state);
        string lockFile = StateFileLock.LockPathFor(StatePaths.For(storage.Root, "probe", s_grain));

        // flock(1) takes the same advisory lock .NET takes for FileShare.None, from another process.
        using (Process holder = await HoldLockAsync(lockFile, seconds: 3))
        {
            state.State!.Counter = 2;
            TimeoutException timeout = await Assert.ThrowsAsync<TimeoutException>(() => storage.WriteStateAsync("probe", s_grain, state));
            Assert.Contains("LockTimeout", timeout.Message, StringComparison.Ordinal);
            Assert.Equal("1", state.ETag);

            DirectoryGrainStorage patient = Storage(o => o.LockTimeout = TimeSpan.FromSeconds(20));
            var clock = Stopwatch.StartNew();
            await patient.WriteStateAsync("probe", s_grain, state);
            Assert.True(clock.Elapsed > TimeSpan.FromSeconds(1), $"the write waited only {clock.Elapsed}");
            Assert.Equal("2", state.ETag);
            await holder.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Keys_with_separators_and_other_characters_get_distinct_files_inside_the_directory()
    {
        DirectoryGrainStorage storage = Storage();
        string[] keys = ["a/b", "a%2Fb", "..", ".hidden", "a b\tc", "ünïcødé", new string('k', 400), new string('k', 399) + "j"];
        for (int i = 0; i < keys.Length; i++)
        {
            await storage.WriteStateAsync("probe", GrainId.Create("probe", keys[i]), new GrainState<StorageProbe>(new StorageProbe { Counter = i }));
        }

        for (int i = 0; i < keys.Length; i++)
        {
            Assert.Equal(i, (await ReadAsync(storage, GrainId.Create("probe", keys[i]))).State!.Counter);
        }

        string[] files = Directory.GetFiles(_directory.Path, "*" + StatePaths.StateSuffix, SearchOption.AllDirectories);
        Assert.Equal(keys.Length, files.Length);
        Assert.All(files, f => Assert.StartsWith(storage.Root + Path.DirectorySeparatorChar, f, StringComparison.Ordinal));
        Assert.All(files, f => Assert.True(Path.GetFileName(f).Length <= 200, f));
    }

    [Fact]
    public async Task A_damaged_file_is_an_error_naming_it()
    {
        DirectoryGrainStorage storage = Storage();
        var state = new GrainState<StorageProbe>(new StorageProbe { Counter = 1, Values = [1f, 2f, 3f] });
        await storage.WriteStateAsync("probe", s_grain, state);
        string path = StatePaths.For(storage.Root, "probe", s_grain);
        byte[] bytes = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, bytes[..^3]);

        InvalidDataException error = await Assert.ThrowsAsync<InvalidDataException>(() => storage.ReadStateAsync("probe", s_grain, new GrainState<StorageProbe>(new StorageProbe())));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("damaged", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task State_is_kept_in_orleans_binary_format_per_service()
    {
        DirectoryGrainStorage storage = Storage(serviceId: "service-a");
        float[] values = [.. Enumerable.Range(0, 1000).Select(i => i * 1.2345678f)];
        await storage.WriteStateAsync("probe", s_grain, new GrainState<StorageProbe>(new StorageProbe { Values = values }));

        string path = StatePaths.For(storage.Root, "probe", s_grain);
        Assert.Equal(Path.Combine(_directory.Path, "service-a"), storage.Root);
        byte[] bytes = await File.ReadAllBytesAsync(path);
        Assert.Equal("OMLS"u8.ToArray(), bytes[..4]);
        Assert.InRange(bytes.Length, 4000, 6000); // Orleans' binary field codec: 4-5 bytes a float, where JSON text takes 9-11
        Assert.NotEqual((byte)'{', bytes[StateFile.HeaderLength]);
        Assert.False((await ReadAsync(Storage(serviceId: "service-b"))).RecordExists);
    }

    [Fact]
    public void Invalid_options_name_the_configuration_key()
    {
        var options = new DirectoryGrainStorageOptions { Directory = " " };
        Assert.Equal("Orleans:GrainStorage:Default:Directory must name a directory for the grain state files.", options.FindProblem("Default"));
        options = new DirectoryGrainStorageOptions { Directory = "/tmp", LockTimeout = TimeSpan.Zero };
        Assert.Contains("Orleans:GrainStorage:Default:LockTimeout", options.FindProblem("Default"), StringComparison.Ordinal);
    }

    private DirectoryGrainStorage Storage(Action<DirectoryGrainStorageOptions>? configure = null, string serviceId = "test-service")
    {
        var options = new DirectoryGrainStorageOptions
        {
            Directory = _directory.Path,
            GrainStorageSerializer = new OrleansGrainStorageSerializer(_services.GetRequiredService<Serializer>()),
        };
        configure?.Invoke(options);
        return new DirectoryGrainStorage("Default", options, new ClusterOptions { ServiceId = serviceId, ClusterId = "c" },
            _services.GetRequiredService<IActivatorProvider>(), TimeProvider.System, NullLogger<DirectoryGrainStorage>.Instance);
    }

    private static async Task<GrainState<StorageProbe>> ReadAsync(DirectoryGrainStorage storage, GrainId? grain = null)
    {
        var state = new GrainState<StorageProbe>(new StorageProbe());
        await storage.ReadStateAsync("probe", grain ?? s_grain, state);
        return state;
    }

    /// <summary>Runs <c>flock</c> holding <paramref name="lockFile"/> for <paramref name="seconds"/> s; returns once it holds it.</summary>
    private static async Task<Process> HoldLockAsync(string lockFile, int seconds)
    {
        var start = new ProcessStartInfo("flock", ["--exclusive", lockFile, "sh", "-c", $"echo held; sleep {seconds}"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start flock");
        string? line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("held", line);
        return process;
    }
}
