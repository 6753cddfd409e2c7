namespace OrleansML.Benchmarks.Checkpoints;

/// <summary>Options of the <c>checkpoint</c> benchmark.</summary>
/// <param name="FeaturesLog2">The FM's features, 2^N (<c>--features-log2</c>, default 24, as the ctr benchmark's FM).</param>
/// <param name="Factors">Factors per feature (<c>--factors</c>, default 8: 9 floats per feature).</param>
/// <param name="BufferBytes">The checkpoint buffer (<c>--buffer-bytes</c>, default 1 MiB, ParameterShardOptions' default).</param>
internal sealed record CheckpointSettings(int FeaturesLog2 = 24, int Factors = 8, int BufferBytes = 1 << 20)
{
    public static CheckpointSettings Parse(string[] options) => BenchmarkOptions.Parse("checkpoint", options, new CheckpointSettings(),
        new Dictionary<string, Func<CheckpointSettings, OptionValue, CheckpointSettings>>(StringComparer.Ordinal)
        {
            ["--features-log2"] = (s, v) => s with { FeaturesLog2 = v.Int(10, 26) },
            ["--factors"] = (s, v) => s with { Factors = v.Int(1, 64) },
            ["--buffer-bytes"] = (s, v) => s with { BufferBytes = v.Int(4 << 10, 64 << 20) },
        });
}
