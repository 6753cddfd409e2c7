using System.Collections.Concurrent;

namespace OrleansML.Runtime.Tests.Core.Grains;

public interface IReminderGrain : IGrainWithStringKey, IRemindable
{
    Task<int> Start(int periodMilliseconds);

    Task<int> Cancel(int unused);
}

/// <summary>Records every reminder tick with the silo that received it.</summary>
public sealed class ReminderGrain : Grain, IReminderGrain
{
    public static readonly ConcurrentDictionary<string, ConcurrentQueue<string>> Ticks = new();

    public async Task<int> Start(int periodMilliseconds)
    {
        await RegisterOrUpdateReminderAsync("tick", TimeSpan.FromMilliseconds(periodMilliseconds), TimeSpan.FromMilliseconds(periodMilliseconds));
        return periodMilliseconds;
    }

    public async Task<int> Cancel(int unused)
    {
        await UnregisterReminderAsync("tick");
        return 0;
    }

    public Task ReceiveReminder(string reminderName, DateTimeOffset firedAt)
    {
        Ticks.GetOrAdd(GetPrimaryKeyString(), _ => new()).Enqueue(Context.Silo.ToString());
        return Task.CompletedTask;
    }
}

public interface ISpreadGrain : IGrainWithStringKey
{
    Task<string> WhereAmI(int unused);
}

[SpreadPlacement]
public sealed class SpreadGrain : Grain, ISpreadGrain
{
    public Task<string> WhereAmI(int unused) => Task.FromResult(Context.Silo.ToString());
}
