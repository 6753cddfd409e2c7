namespace OrleansML.Grains.Transfer;

/// <summary>
/// How large one message of a tensor or model transfer may be (configuration section <c>OrleansML:Transfer</c>).
/// Orleans does not fail fast on a message over its <c>MaxMessageBodySize</c>: the caller waits for the whole
/// response timeout and the connection is dropped. So OrleansML sends shard slices, model files and checkpoints in
/// ranges of at most <see cref="MaxMessageBytes"/>, and refuses at job start a job whose per-step messages would be
/// larger (see docs/training.md, "Large models and message size").
/// </summary>
public sealed class TransferOptions
{
    /// <summary>The configuration section, under <c>OrleansML</c>.</summary>
    public const string Section = "Transfer";

    /// <summary>The smallest <see cref="MaxMessageBytes"/> accepted.</summary>
    public const int MinimumMaxMessageBytes = 4096;

    /// <summary>Default <see cref="MaxMessageBytes"/>: 16 MiB.</summary>
    public const int DefaultMaxMessageBytes = 16 << 20;

    /// <summary>Most payload bytes (tensor values, file bytes) one message of a transfer carries. At least 4 KiB
    /// and at most half of Orleans' <c>SiloMessagingOptions.MaxMessageBodySize</c> (100 MB by default), which leaves
    /// room for the message's other fields and encoding. Default 16 MiB.</summary>
    public int MaxMessageBytes { get; set; } = DefaultMaxMessageBytes;

    /// <summary>Floats one message carries.</summary>
    public int FloatsPerMessage => OrleansML.Transfer.TransferRanges.ElementsPerMessage(MaxMessageBytes, sizeof(float));

    /// <summary>Throws <see cref="ArgumentException"/> naming both options when <see cref="MaxMessageBytes"/> is not
    /// positive and well below <paramref name="maxMessageBodySize"/> (Orleans' limit as configured).</summary>
    public void Validate(int maxMessageBodySize)
    {
        if (MaxMessageBytes < MinimumMaxMessageBytes)
        {
            throw new ArgumentException(
                $"OrleansML:Transfer:MaxMessageBytes must be at least {MinimumMaxMessageBytes} bytes, got {MaxMessageBytes}.");
        }

        if (MaxMessageBytes > maxMessageBodySize / 2)
        {
            throw new ArgumentException(
                $"OrleansML:Transfer:MaxMessageBytes ({MaxMessageBytes} bytes) must be at most half of Orleans' SiloMessagingOptions.MaxMessageBodySize " +
                $"({maxMessageBodySize} bytes), so that every transfer message stays well below the limit: lower MaxMessageBytes or raise MaxMessageBodySize (on silos and clients).");
        }
    }
}
