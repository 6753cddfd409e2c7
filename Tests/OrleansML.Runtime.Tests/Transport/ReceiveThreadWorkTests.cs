using System.IO.Pipelines;
using OrleansML.Runtime.Threading;

namespace OrleansML.Runtime.Tests.Transport;

/// <summary>
/// The receive thread's hand-offs: only a collecting thread takes work, and only the first piece; taken work runs
/// here only once the read is pending (after the loop's continuation is registered), under a clean execution
/// context; a read that completed at once sends it to the pool.
/// </summary>
public sealed class ReceiveThreadWorkTests
{
    private static readonly AsyncLocal<string?> s_local = new();

    [Fact]
    public void Only_a_collecting_thread_takes_work_and_only_the_first_piece()
    {
        var work = new ReceiveThreadWork();
        var first = new RecordingItem();
        var second = new RecordingItem();

        Assert.False(ReceiveThreadWork.TryTake(first));
        bool tookSecond = true;
        bool tookCallback = true;
        bool tookFirst = DuringFlush(work, () =>
        {
            bool took = ReceiveThreadWork.TryTake(first);
            tookSecond = ReceiveThreadWork.TryTake(second);
            tookCallback = ReceiveThreadWork.TryTake(_ => { }, null);
            return took;
        });

        Assert.True(tookFirst);
        Assert.False(tookSecond);
        Assert.False(tookCallback);
        Assert.False(ReceiveThreadWork.TryTake(second));
        work.Release();
        Assert.True(first.Ran.Wait(TimeSpan.FromSeconds(10)), "released work never ran on the pool");
    }

    [Fact]
    public async Task Taken_work_runs_on_the_awaiting_thread_once_the_read_is_pending_without_its_async_locals()
    {
        var work = new ReceiveThreadWork();
        var item = new RecordingItem();
        var read = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        s_local.Value = "receive loop";
        Assert.True(DuringFlush(work, () => ReceiveThreadWork.TryTake(item)));
        int awaitingThread = Environment.CurrentManagedThreadId;

        ValueTask<int> pending = AwaitAsync(work, new ValueTask<int>(read.Task));
        // The await registered its continuation, then ran the item right there, before returning here.
        Assert.True(item.Ran.IsSet);
        Assert.Equal(awaitingThread, item.Thread);
        Assert.True(item.WasHandOff);
        Assert.Null(item.Local);
        Assert.False(ReceiveThreadWork.IsRunningHandOff);
        Assert.False(pending.IsCompleted);

        read.SetResult(7);
        Assert.Equal(7, await pending);
    }

    [Fact]
    public async Task Bytes_arriving_while_taken_work_runs_resume_the_loop_on_another_thread()
    {
        var work = new ReceiveThreadWork();
        var read = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var resumed = new ManualResetEventSlim();
        var blocking = new BlockingItem(read, resumed);
        Assert.True(DuringFlush(work, () => ReceiveThreadWork.TryTake(blocking)));

        ValueTask<int> loop = ResumeAsync(work, new ValueTask<int>(read.Task), resumed);

        // The item completed the read and waited (on this thread) until the loop resumed elsewhere.
        Assert.True(blocking.SawResume, "the loop's continuation waited for the work that ran on its thread");
        Assert.Equal(1, await loop);
    }

    [Fact]
    public async Task A_read_that_completed_at_once_leaves_the_work_to_the_pool()
    {
        var work = new ReceiveThreadWork();
        var item = new RecordingItem();
        Assert.True(DuringFlush(work, () => ReceiveThreadWork.TryTake(item)));

        Assert.Equal(3, await AwaitAsync(work, ValueTask.FromResult(3)));
        Assert.True(item.Ran.Wait(TimeSpan.FromSeconds(10)), "taking a completed read's result sends the work to the pool");
        Assert.NotEqual(Environment.CurrentManagedThreadId, item.Thread);
        Assert.False(item.WasHandOff);
    }

    /// <summary>Runs <paramref name="take"/> where the receive loop's frames run: in a pipe reader resumed inline by
    /// <see cref="ReceiveThreadWork.FlushCollecting"/>.</summary>
    private static bool DuringFlush(ReceiveThreadWork work, Func<bool> take)
    {
        var pipe = new Pipe(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
        bool taken = false;
        Task reading = ReadOnceAsync();
        pipe.Writer.GetSpan(1)[0] = 1;
        pipe.Writer.Advance(1);
        ValueTask<FlushResult> flushing = work.FlushCollecting(pipe.Writer);
        Assert.True(reading.IsCompleted, "the reader ran inside the flush");
        Assert.True(flushing.IsCompleted);
        return taken;

        async Task ReadOnceAsync()
        {
            ReadResult result = await pipe.Reader.ReadAsync();
            taken = take();
            pipe.Reader.AdvanceTo(result.Buffer.End);
        }
    }

    private static async ValueTask<int> AwaitAsync(ReceiveThreadWork work, ValueTask<int> read) => await work.WhilePending(read);

    private static async ValueTask<int> ResumeAsync(ReceiveThreadWork work, ValueTask<int> read, ManualResetEventSlim resumed)
    {
        int result = await work.WhilePending(read);
        resumed.Set();
        return result;
    }

    private sealed class RecordingItem : IThreadPoolWorkItem
    {
        public ManualResetEventSlim Ran { get; } = new();

        public int Thread { get; private set; }

        public bool WasHandOff { get; private set; }

        public string? Local { get; private set; }

        public void Execute()
        {
            Thread = Environment.CurrentManagedThreadId;
            WasHandOff = ReceiveThreadWork.IsRunningHandOff;
            Local = s_local.Value;
            Ran.Set();
        }
    }

    private sealed class BlockingItem(TaskCompletionSource<int> read, ManualResetEventSlim resumed) : IThreadPoolWorkItem
    {
        public bool SawResume { get; private set; }

        public void Execute()
        {
            read.SetResult(1);
            SawResume = resumed.Wait(TimeSpan.FromSeconds(10));
        }
    }
}
