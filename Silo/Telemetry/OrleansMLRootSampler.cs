using OpenTelemetry.Trace;
using OrleansML.Grains.Diagnostics;

namespace OrleansML.Silo.Telemetry;

/// <summary>
/// Decides for spans without a parent: OrleansML's own spans (<c>orleansml.*</c>) are sampled at the configured ratio,
/// every other root is dropped. Orleans traces calls to OrleansML's grains on its runtime source (it picks that source
/// for any interface whose namespace starts with "Orleans"), which also carries the runtime's own calls (membership
/// probes, directory lookups) every few seconds: as roots they would flood the collector, while inside an OrleansML
/// trace, or a caller's sampled trace, the parent-based sampler records them.
/// </summary>
internal sealed class OrleansMLRootSampler : Sampler
{
    private static readonly string s_prefix = OrleansMLTelemetry.Name.ToLowerInvariant() + ".";
    private readonly TraceIdRatioBasedSampler _ratio;

    public OrleansMLRootSampler(double ratio)
    {
        _ratio = new TraceIdRatioBasedSampler(ratio);
        Description = $"OrleansMLRootSampler{{{ratio}}}";
    }

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        samplingParameters.Name.StartsWith(s_prefix, StringComparison.Ordinal)
            ? _ratio.ShouldSample(samplingParameters)
            : new SamplingResult(SamplingDecision.Drop);
}
