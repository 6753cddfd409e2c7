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

    /// <summary>
    /// The default <see cref="SendSegmentSize"/>: 8 MiB, so that a 4 MiB tensor and its headers fit one segment.
    /// </summary>
    public const int DefaultSendSegmentSize = 8 * 1024 * 1024;

    /// <summary>The largest <see cref="SendSegmentSize"/> accepted: 64 MiB.</summary>
    public const int MaximumSendSegmentSize = 64 * 1024 * 1024;

    /// <summary>Which transport to use. Default <see cref="TransportKind.Bulk"/>.</summary>
    public TransportKind Kind { get; init; } = TransportKind.Bulk;

    /// <summary>
    /// Bytes per pipe segment of a bulk connection, in both directions; one socket receive fills at most one segment,
    /// and each idle connection holds one receive segment. Default 1 MiB, between 4 KiB and 4 MiB.
    /// </summary>
    public int SegmentSize { get; init; } = DefaultSegmentSize;

    /// <summary>
    /// Bytes per segment of a bulk connection's send pipe. Orleans serializes each message into the memory the pipe
    /// offers first and copies whatever does not fit twice more (through its own 4 KiB blocks into one contiguous
    /// buffer), so a message up to this size costs one copy on the sending side. A connection holds send segments
    /// only while it has bytes not yet sent. Default 8 MiB, between 4 KiB and 64 MiB.
    /// </summary>
    public int SendSegmentSize { get; init; } = DefaultSendSegmentSize;

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

        int segmentSize = Size(section, "SegmentSize", settings.SegmentSize, MaximumSegmentSize);
        int sendSegmentSize = Size(section, "SendSegmentSize", settings.SendSegmentSize, MaximumSendSegmentSize);
        return new TransportSettings { Kind = kind, SegmentSize = segmentSize, SendSegmentSize = sendSegmentSize };
    }

    private static int Size(IConfigurationSection section, string key, int defaultSize, int maximum)
    {
        if (section[key] is not { } text)
        {
            return defaultSize;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int size) || size < MinimumSegmentSize || size > maximum)
        {
            throw new InvalidOperationException($"{Section}:{key} is '{text}'; it must be a whole number of bytes from {MinimumSegmentSize} to {maximum}.");
        }

        return size;
    }
}
