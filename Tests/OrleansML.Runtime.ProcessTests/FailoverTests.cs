using Xunit.Abstractions;
using System.Diagnostics;
using OrleansML.Runtime.Client;
using OrleansML.Runtime.TestGrains;

namespace OrleansML.Runtime.ProcessTests;

/// <summary>Three silo processes, one SQLite membership file, file grain storage; a silo is SIGKILLed.</summary>
public sealed class FailoverTests(ITestOutputHelper output)
{
    private const int Dead = 4;
    private const int Active = 2;

    [Fact]
    public async Task Killed_silo_is_declared_dead_and_its_grains_answer_from_the_survivors_with_their_state()
    {
        await using var cluster = new ProcessCluster();
        await cluster.StartSilosAsync(3);
        IClusterClient client = await cluster.ConnectClientAsync();

        // Calls land on all three silos (random placement over 30 grains).
        var where = new Dictionary<string, string>();
        for (int i = 0; i < 30; i++)
        {
            ICounterGrain counter = client.GetGrain<ICounterGrain>($"c{i}");
            Assert.Equal(i + 1, await counter.AddAsync(i + 1).WaitAsync(TimeSpan.FromSeconds(20)));
            where[$"c{i}"] = SiloOf(await counter.WhereAsync().WaitAsync(TimeSpan.FromSeconds(20)));
        }

        string[] addresses = [.. cluster.Silos.Select(s => s.Address)];
        Assert.All(addresses, a => Assert.Contains(a, where.Values));

        // Kill (SIGKILL) a silo that hosts counters and is not the client's gateway.
        SiloProcess victim = cluster.Silos.First(s => s.Address != client.Gateway!.ToString());
        string[] moved = [.. where.Where(w => w.Value == victim.Address).Select(w => w.Key)];
        Assert.NotEmpty(moved);
        var clock = Stopwatch.StartNew();
        victim.Kill();

        // The survivors vote it Dead in the table within the detection window (plus slack for a loaded machine).
        TimeSpan limit = ProcessCluster.DeathWindow + TimeSpan.FromSeconds(8);
        while (cluster.ReadMembership().GetValueOrDefault(victim.Address) != Dead)
        {
            Assert.True(clock.Elapsed < limit, $"{victim.Address} not Dead after {clock.Elapsed}: {string.Join(", ", cluster.ReadMembership())}");
            await Task.Delay(100);
        }

        TimeSpan detected = clock.Elapsed;
        output.WriteLine($"{victim.Address} Dead in the table {detected.TotalSeconds:0.00} s after SIGKILL (window {ProcessCluster.DeathWindow.TotalSeconds:0.0} s); {moved.Length} counters moved");
        Dictionary<string, int> rows = cluster.ReadMembership();
        Assert.All(cluster.Silos.Where(s => s != victim), s => Assert.Equal(Active, rows[s.Address]));

        // Its grains answer from the survivors, each counter with its last written value (reads are idempotent,
        // so a call that meets the dead silo before every survivor knows is retried, as the docs tell callers to).
        foreach (string key in moved)
        {
            ICounterGrain counter = client.GetGrain<ICounterGrain>(key);
            long value = await RetryUnavailableAsync(() => counter.GetAsync());
            Assert.Equal(int.Parse(key[1..], System.Globalization.CultureInfo.InvariantCulture) + 1, value);
            string now = SiloOf(await RetryUnavailableAsync(() => counter.WhereAsync()));
            Assert.NotEqual(victim.Address, now);
            Assert.Contains(now, addresses);
        }

        // Graceful stop (SIGTERM) of a survivor: exit code 0, and its row is Dead (it left the cluster).
        SiloProcess survivor = cluster.Silos.Last(s => s != victim && s.Address != client.Gateway!.ToString());
        Assert.Equal(0, await survivor.StopAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("silo stopped", survivor.Output, StringComparison.Ordinal);
        Assert.Equal(Dead, cluster.ReadMembership()[survivor.Address]);

        // The secret never appears in what the silos print.
        Assert.All(cluster.Silos, s => Assert.DoesNotContain(ProcessCluster.Secret, s.Output, StringComparison.Ordinal));
        Assert.True(detected < limit, $"detected after {detected}");
    }

    [Fact]
    public async Task Client_whose_gateway_is_killed_fails_its_calls_in_flight_and_reconnects_through_another_gateway()
    {
        await using var cluster = new ProcessCluster();
        await cluster.StartSilosAsync(2);
        IClusterClient client = await cluster.ConnectClientAsync();
        string first = client.Gateway!.ToString();
        SiloProcess gateway = cluster.Silos.Single(s => s.Address == first);

        // A call in flight through the gateway when it dies fails at once with SiloUnavailableException (no retry).
        Task<string> inFlight = client.GetGrain<IWhereAmIGrain>("slow").SlowWhereAsync(10_000);
        await Task.Delay(500);
        var clock = Stopwatch.StartNew();
        gateway.Kill();
        await Assert.ThrowsAsync<SiloUnavailableException>(() => inFlight.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the in-flight call failed after {clock.Elapsed}, not at the connection loss");
        output.WriteLine($"in-flight call failed {clock.Elapsed.TotalMilliseconds:0} ms after the gateway was killed");

        // The next call goes through the other gateway.
        string answer = await RetryUnavailableAsync(() => client.GetGrain<IWhereAmIGrain>("after").WhereAsync());
        SiloProcess other = cluster.Silos.Single(s => s != gateway);
        Assert.Equal(other.Address, SiloOf(answer));
        Assert.Equal(other.Address, client.Gateway?.ToString());
    }

    private static string SiloOf(string where) => where.Split(' ')[0];

    /// <summary>Retries an idempotent call that met a dead silo (SiloUnavailable), for a bounded time.</summary>
    private static async Task<T> RetryUnavailableAsync<T>(Func<Task<T>> call)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await call().WaitAsync(TimeSpan.FromSeconds(20));
            }
            catch (GrainCallRejectedException) when (clock.Elapsed < TimeSpan.FromSeconds(15))
            {
                await Task.Delay(250);
            }
        }
    }
}
