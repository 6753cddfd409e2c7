using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansML.Runtime.Hosting;
using OrleansML.Runtime.Membership;
using OrleansML.Runtime.Testing;
using OrleansML.Runtime.Tests.Core.Doubles;
using OrleansML.Runtime.Tests.Core.Grains;

namespace OrleansML.Runtime.Tests.Core;

/// <summary>The cluster secret over the real stack: TCP handshake, membership agent, TestCluster.</summary>
[Collection(CoreTestGroup.Name)]
public sealed class SecurityTests
{
    [Fact]
    public async Task A_silo_with_the_wrong_cluster_secret_cannot_join_and_the_rejection_is_logged_without_the_secret()
    {
        const string WrongSecret = "not-the-cluster-secret-at-all";
        var logs = new RecordingLoggerProvider();
        var options = new TestClusterOptions { InitialSiloCount = 2 };
        options.ConfigureSilo = (instance, services) =>
        {
            services.AddSingleton<ILoggerProvider>(logs);
            if (instance == 2)
            {
                services.PostConfigure<SiloOptions>(o => o.ClusterSecret = WrongSecret);
                services.PostConfigure<MembershipOptions>(o => o.JoinTimeout = TimeSpan.FromSeconds(3));
            }
        };
        await using var cluster = new TestCluster(options);
        await cluster.DeployAsync();

        // Two members: one vote would be a quorum (⌈2/2⌉), so a joiner that voted could kill a healthy member.
        // It fails its join: its probes are rejected (or the members declare the silent joiner dead first),
        // and it casts no vote.
        var error = await Assert.ThrowsAsync<ClusterJoinException>(() => cluster.StartAdditionalSiloAsync());
        Assert.Contains("join", error.Message, StringComparison.OrdinalIgnoreCase);

        Assert.Contains(logs.Entries, e => e.Event.Id == 2013 && e.Message.Contains("wrong cluster secret", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains(WrongSecret, StringComparison.Ordinal) || e.Message.Contains(options.ClusterSecret, StringComparison.Ordinal));

        // The members never admitted it and still serve calls.
        await cluster.WaitForLivenessToStabilizeAsync();
        Assert.Equal(2, cluster.Silos.Count);
        MembershipSnapshot table = await cluster.MembershipTable.ReadAllAsync(default);
        Assert.All(cluster.Silos, s => Assert.Empty(table.Find(s.Address)!.Suspicions));
        Assert.All(cluster.Silos, s => Assert.Equal(2, s.Services.GetRequiredService<IClusterMembershipView>().Current.ActiveSilos.Count));
        IProbeGrain grain = cluster.Client.GetGrain<IProbeGrain>($"secure-{Guid.NewGuid():N}");
        Assert.EndsWith(":ok", await grain.Echo("ok"), StringComparison.Ordinal);
    }
}
