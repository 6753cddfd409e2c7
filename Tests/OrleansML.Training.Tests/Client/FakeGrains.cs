using OrleansML.Jobs;
using OrleansML.Runtime;

namespace OrleansML.Training.Tests.Client;

/// <summary>A grain factory that records every reference asked of it and hands out the job grain given (or
/// throws, so an unexpected call fails the test loudly).</summary>
internal sealed class RecordingGrainFactory(ITrainingJobGrain? job = null) : IGrainFactory
{
    public List<string> Requested { get; } = [];

    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey
    {
        Requested.Add($"{typeof(TGrainInterface).Name}/{key}");
        return job is TGrainInterface grain ? grain : throw new GrainReferenceRequestedException(typeof(TGrainInterface).Name, key);
    }

    public TGrainInterface GetGrain<TGrainInterface>(long key) where TGrainInterface : IGrainWithIntegerKey
    {
        Requested.Add($"{typeof(TGrainInterface).Name}/{key}");
        throw new GrainReferenceRequestedException(typeof(TGrainInterface).Name, key.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

internal sealed class GrainReferenceRequestedException(string grainInterface, string key)
    : Exception($"{grainInterface} '{key}' was requested")
{
    public string Key { get; } = key;
}

/// <summary>A job grain whose WatchAsync answers from a script: a status, or an exception to throw.</summary>
internal sealed class ScriptedJobGrain(params object[] watchScript) : ITrainingJobGrain
{
    private readonly Queue<object> _script = new(watchScript);

    public List<long> WatchedAfter { get; } = [];

    public Task<JobStatus> WatchAsync(long afterRevision, TimeSpan maximumWait)
    {
        WatchedAfter.Add(afterRevision);
        object next = _script.Count > 1 ? _script.Dequeue() : _script.Peek();
        return next is Exception exception ? Task.FromException<JobStatus>(exception) : Task.FromResult((JobStatus)next);
    }

    public Task<JobStatus> StartAsync(TrainingSpec spec) => throw new InvalidOperationException("not scripted");

    public Task<JobStatus> PauseAsync() => throw new InvalidOperationException("not scripted");

    public Task<JobStatus> ResumeAsync() => throw new InvalidOperationException("not scripted");

    public Task<JobStatus> CancelAsync() => throw new InvalidOperationException("not scripted");

    public Task<JobStatus> GetStatusAsync() => throw new InvalidOperationException("not scripted");

    public Task<TrainingSpec?> GetSpecAsync() => throw new InvalidOperationException("not scripted");
}
