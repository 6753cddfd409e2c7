namespace OrleansML.Grains.Hosting.Storage;

/// <summary>
/// Makes the compare-and-write of one state file exclusive among every writer on this machine: first among the silos
/// of this process (a striped semaphore), then among processes (an exclusive open of a <c>.lock</c> file beside the
/// state file, which .NET takes as an advisory <c>flock</c> on Unix and a share-mode lock on Windows).
/// </summary>
/// <remarks>
/// The lock file is never renamed or deleted, so every writer locks the same inode; locking the state file itself
/// would not work, because each write replaces it. Advisory locks bind only processes that take them, which every
/// <see cref="DirectoryGrainStorage"/> does; they do not work across machines (network file systems vary), which is
/// why the storage is for one machine only. Setting DOTNET_SYSTEM_IO_DISABLEFILELOCKING turns .NET's file locks off
/// and with them the protection between processes.
/// </remarks>
internal sealed class StateFileLock : IDisposable
{
    private static readonly SemaphoreSlim[] s_stripes = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();
    private readonly SemaphoreSlim _stripe;
    private readonly FileStream _file;

    private StateFileLock(SemaphoreSlim stripe, FileStream file)
    {
        _stripe = stripe;
        _file = file;
    }

    public static string LockPathFor(string statePath) => statePath + ".lock";

    /// <summary>Waits for the lock of <paramref name="statePath"/> up to <paramref name="timeout"/>.</summary>
    /// <exception cref="TimeoutException">Another writer held it for the whole timeout.</exception>
    public static async Task<StateFileLock> AcquireAsync(string statePath, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        long started = time.GetTimestamp();
        SemaphoreSlim stripe = s_stripes[(StringComparer.Ordinal.GetHashCode(statePath) & int.MaxValue) % s_stripes.Length];
        if (!await stripe.WaitAsync(timeout, cancellationToken))
        {
            throw Timeout(statePath, timeout, "a writer in this process");
        }

        try
        {
            string lockPath = LockPathFor(statePath);
            TimeSpan delay = TimeSpan.FromMilliseconds(2);
            while (true)
            {
                try
                {
                    var file = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
                    return new StateFileLock(stripe, file);
                }
                catch (IOException) when (time.GetElapsedTime(started) < timeout && !cancellationToken.IsCancellationRequested)
                {
                    // Held by another process: poll with a short backoff (writers hold it for one file write).
                    await Task.Delay(delay, time, cancellationToken);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMilliseconds(50).Ticks));
                }
                catch (IOException exception) when (!cancellationToken.IsCancellationRequested)
                {
                    throw Timeout(statePath, timeout, "another process", exception);
                }
            }
        }
        catch
        {
            stripe.Release();
            throw;
        }
    }

    public void Dispose()
    {
        _file.Dispose();
        _stripe.Release();
    }

    private static TimeoutException Timeout(string statePath, TimeSpan timeout, string holder, Exception? inner = null) =>
        new($"Could not lock the grain state file '{statePath}' within {timeout.TotalSeconds:0.###} s: {holder} held it (DirectoryGrainStorageOptions.LockTimeout).", inner);
}
