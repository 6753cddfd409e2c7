using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using OrleansML.Grains.Diagnostics;

namespace OrleansML.Training.Tests.Diagnostics;

/// <summary>
/// Records what the <c>OrleansML</c> meter and activity source emit for one job (by its job tag), as an exporter
/// would see it: a <see cref="MeterListener"/> and an <see cref="ActivityListener"/> that sample everything. Other
/// tests' jobs running at the same time are left out by the tag. Orleans' grain-call spans
/// (<see cref="OrleansCallSource"/>) are listened to as well, as the silo host's exporter does, and kept by span id so
/// that a test can walk a span's ancestors across grain calls. Orleans traces calls to OrleansML's grains on its
/// runtime source, not its application source: it picks the runtime source for every interface whose namespace
/// starts with "Orleans", and "OrleansML.Jobs" does.
/// </summary>
internal sealed class TelemetryRecorder : IDisposable
{
    private readonly string _jobId;
    private readonly MeterListener _meters = new();
    private readonly ActivityListener _spans;
    private readonly ConcurrentQueue<Measurement> _measurements = new();
    private readonly ConcurrentQueue<Activity> _activities = new();
    private readonly ConcurrentDictionary<ActivitySpanId, Activity> _bySpan = new();

    /// <summary>Orleans' activity source of calls to OrleansML's grains (one span per grain call on each side).</summary>
    public const string OrleansCallSource = "Microsoft.Orleans.Runtime";

    public TelemetryRecorder(string jobId)
    {
        _jobId = jobId;
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == OrleansMLTelemetry.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _meters.Start();
        _spans = new ActivityListener
        {
            ShouldListenTo = source => source.Name is OrleansMLTelemetry.Name or OrleansCallSource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                _bySpan[activity.SpanId] = activity;
                if (Equals(activity.GetTagItem(OrleansMLTelemetry.JobTag), _jobId))
                {
                    _activities.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_spans);
    }

    /// <summary>One recorded value with its tags.</summary>
    public sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, string?> Tags)
    {
        public string? Role => Tags.GetValueOrDefault(OrleansMLTelemetry.RoleTag);
    }

    /// <summary>The spans of the job that have ended.</summary>
    public IReadOnlyList<Activity> Spans => [.. _activities];

    /// <summary>The job's one span named <paramref name="name"/>, once it has ended: the job span ends just after the
    /// job's final status is published.</summary>
    public async Task<Activity> WaitForSpanAsync(string name, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Activity[] found = [.. _activities.Where(a => a.OperationName == name)];
            if (found.Length > 0 || clock.Elapsed > limit)
            {
                return Assert.Single(found);
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The ended span <paramref name="span"/>'s ancestors, nearest first, as far as they have ended.</summary>
    public IEnumerable<Activity> Ancestors(Activity span)
    {
        ActivitySpanId parent = span.ParentSpanId;
        while (parent != default && _bySpan.TryGetValue(parent, out Activity? ancestor))
        {
            yield return ancestor;
            parent = ancestor.ParentSpanId;
        }
    }

    /// <summary>The job's values of <paramref name="instrument"/>.</summary>
    public IReadOnlyList<Measurement> Of(string instrument) => [.. _measurements.Where(m => m.Instrument == instrument)];

    /// <summary>The sum of the job's values of <paramref name="instrument"/>.</summary>
    public double Sum(string instrument) => Of(instrument).Sum(m => m.Value);

    public void Dispose()
    {
        _meters.Dispose();
        _spans.Dispose();
    }

    private void Add<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct
    {
        var copy = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            copy[tag.Key] = tag.Value?.ToString();
        }

        if (copy.GetValueOrDefault(OrleansMLTelemetry.JobTag) == _jobId)
        {
            _measurements.Enqueue(new Measurement(instrument.Name, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), copy));
        }
    }
}
