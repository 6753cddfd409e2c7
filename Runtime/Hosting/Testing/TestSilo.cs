using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansML.Runtime.Hosting;
using OrleansML.Runtime.Messaging;

namespace OrleansML.Runtime.Testing;

/// <summary>One silo of a <see cref="TestCluster"/>: its own host and DI container.</summary>
public sealed class TestSilo
{
    internal TestSilo(int instanceNumber, IHost host)
    {
        InstanceNumber = instanceNumber;
        Host = host;
    }

    /// <summary>The silo's number in start order.</summary>
    public int InstanceNumber { get; }

    /// <summary>The silo's address (known once started).</summary>
    public SiloAddress Address => _address ??= Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;

    /// <summary>The silo's services.</summary>
    public IServiceProvider Services => Host.Services;

    /// <summary>False once stopped or killed.</summary>
    public bool IsAlive { get; internal set; } = true;

    /// <summary>A grain factory whose calls originate on this silo.</summary>
    public IGrainFactory GrainFactory => Services.GetRequiredService<IGrainFactory>();

    internal IHost Host { get; }

    private SiloAddress? _address;

    internal RuntimeClient RuntimeClient => Services.GetRequiredService<RuntimeClient>();

    /// <inheritdoc/>
    public override string ToString() => $"silo#{InstanceNumber} {(IsAlive ? Address.ToString() : "(down)")}";
}
