using System.Diagnostics;

namespace OrleansML.Runtime.Hosting;

/// <summary>
/// This silo's identity. The address exists only once the transport has bound its endpoint (port 0 picks
/// a port), so services that need it (the membership agent, the directory) read it after start-up.
/// </summary>
public interface ILocalSiloDetails
{
    /// <summary>This silo incarnation's address.</summary>
    /// <exception cref="InvalidOperationException">The silo has not bound its endpoint yet.</exception>
    SiloAddress SiloAddress { get; }

    /// <summary>The configured silo name.</summary>
    string SiloName { get; }
}

/// <summary>Holds the address once the transport is bound.</summary>
internal sealed class LocalSiloDetails(Microsoft.Extensions.Options.IOptions<SiloOptions> options) : ILocalSiloDetails
{
    private SiloAddress? _address;

    public SiloAddress SiloAddress => Volatile.Read(ref _address)
        ?? throw new InvalidOperationException("The silo address is not known before the silo's transport has started.");

    public string SiloName => options.Value.SiloName;

    public bool IsKnown => Volatile.Read(ref _address) is not null;

    /// <summary>True from the start of a graceful stop (or a kill): placement stops choosing this silo.</summary>
    public bool IsStopping { get; set; }

    public void Set(SiloAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        SiloAddress? previous = Interlocked.CompareExchange(ref _address, address, null);
        Debug.Assert(previous is null, "the silo address is set once");
        if (previous is not null)
        {
            throw new InvalidOperationException("The silo address was already set.");
        }
    }
}
