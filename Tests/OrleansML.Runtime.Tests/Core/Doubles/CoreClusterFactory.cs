using Microsoft.Extensions.DependencyInjection;
using OrleansML.Runtime.Hosting;
using OrleansML.Runtime.Membership;
using OrleansML.Runtime.Persistence;
using OrleansML.Runtime.Reminders;
using OrleansML.Runtime.Testing;
using OrleansML.Runtime.Transport;

namespace OrleansML.Runtime.Tests.Core.Doubles;

/// <summary>Builds test clusters over the in-memory hub, the membership double, memory storage and a memory reminder table.</summary>
public sealed class CoreClusterFactory
{
    public InMemoryTransportHub Hub { get; } = new();

    public TestMembershipOracle Membership { get; } = new();

    public MemoryGrainStorage Storage { get; } = new();

    public MemoryReminderTable Reminders { get; } = new();

    public TimeProvider? Time { get; init; }

    public TestCluster Create(int silos, Action<SiloOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var options = new TestClusterOptions { InitialSiloCount = silos, ConfigureOptions = configure };
        options.ConfigureSilo = (_, s) =>
        {
            if (Time is not null)
            {
                s.AddSingleton(Time);
            }

            s.AddSingleton<ITransport>(sp => Hub.CreateTransport(sp.GetRequiredService<ILocalSiloDetails>()));
            s.AddSingleton<IMembershipAgent>(sp => new TestMembershipAgent(Membership, sp.GetRequiredService<ILocalSiloDetails>(), sp.GetRequiredService<ISiloProber>()));
            s.AddKeyedSingleton<IGrainStorage>("Default", Storage);
            s.AddSingleton<IReminderTable>(Reminders);
            services?.Invoke(s);
        };
        return new TestCluster(options);
    }
}
