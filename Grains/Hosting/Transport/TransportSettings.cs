using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace OrleansML.Grains.Hosting.Transport;

/// <summary>
/// The <c>OrleansML:Transport</c> section: which transport carries Orleans' connections and how large its buffers are.
/// Socket options (NoDelay, keep-alive) stay Orleans' own <c>SocketConnectionOptions</c>, which both kinds honour.
/// </summary>
public sealed class TransportSettings
{
    /// <summary>The configuration section read by <see cref="Load"/>.</summary>
    public const string Section = "OrleansML:Transport";

    /// <summary>
    /// The default <see cref="SegmentSize"/>: 1 MiB. Between two silo processes it moved 4 MiB tensors faster than
    /// 128 KiB (push 0.53-0.73 against 0.29-0.68 GB/s) and 32 KiB segments (Benchmarks/README.md, transport).
    /// </summary>
    public const int DefaultSegmentSize = 1024 * 1024;

    /// <summary>The smallest <see cref="SegmentSize"/> accepted: Orleans' own block size.</summary>
    public const int MinimumSegmentSize = 4 * 1024;

    /// <summary>The largest <see cref="SegmentSize"/> accepted: 4 MiB.</summary>
    public const int MaximumSegmentSize = 4 * 1024 * 1024;

    /// <summary>Which transport to use. Default <see cref="TransportKind.Bulk"/>.</summary>
    public TransportKind Kind { get; init; } = TransportKind.Bulk;

    /// <summary>
    /// Bytes per pipe segment of a bulk connection, in both directions; one socket receive fills at most one segment,
    /// and each idle connection holds one receive segment. Default 1 MiB, between 4 KiB and 4 MiB.
    /// </summary>
    public int SegmentSize { get; init; } = DefaultSegmentSize;

    /// <summary>Reads <see cref="Section"/>; absent keys keep their defaults.</summary>
    /// <exception cref="InvalidOperationException">A value is not valid; the message names its key and the values allowed.</exception>
    public static TransportSettings Load(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        IConfigurationSection section = configuration.GetSection(Section);
        var settings = new TransportSettings();
        TransportKind kind = settings.Kind;
        if (section["Kind"] is { } kindText)
        {
            if (!Enum.TryParse(kindText, ignoreCase: true, out kind) || !Enum.IsDefined(kind) || int.TryParse(kindText, out _))
            {
                throw new InvalidOperationException($"{Section}:Kind is '{kindText}'; it must be one of: {string.Join(", ", Enum.GetNames<TransportKind>())}.");
            }
        }

        int segmentSize = settings.SegmentSize;
        if (section["SegmentSize"] is { } sizeText)
        {
            if (!int.TryParse(sizeText, NumberStyles.Integer, CultureInfo.InvariantCulture, out segmentSize)
                || segmentSize < MinimumSegmentSize || segmentSize > MaximumSegmentSize)
            {
                throw new InvalidOperationException($"{Section}:SegmentSize is '{sizeText}'; it must be a whole number of bytes from {MinimumSegmentSize} to {MaximumSegmentSize}.");
            }
        }

        return new TransportSettings { Kind = kind, SegmentSize = segmentSize };
    }
}
