namespace OrleansML.Training.Tests.Client;

/// <summary>A grain factory that records every reference asked of it and hands out the job grain given (or
/// throws, so an unexpected call fails the test loudly). Only string keys are expected.</summary>
internal sealed class RecordingGrainFactory(ITrainingJobGrain? job = null) : IGrainFactory
{
    public List<string> Requested { get; } = [];

    public TGrainInterface GetGrain<TGrainInterface>(string primaryKey, string? grainClassNamePrefix = null) where TGrainInterface : IGrainWithStringKey
    {
        Requested.Add($"{typeof(TGrainInterface).Name}/{primaryKey}");
        return job is TGrainInterface grain ? grain : throw new GrainReferenceRequestedException(typeof(TGrainInterface).Name, primaryKey);
    }

    public TGrainInterface GetGrain<TGrainInterface>(long primaryKey, string? grainClassNamePrefix = null) where TGrainInterface : IGrainWithIntegerKey =>
        throw Unexpected(typeof(TGrainInterface), primaryKey);

    public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey, string? grainClassNamePrefix = null) where TGrainInterface : IGrainWithGuidKey =>
        throw Unexpected(typeof(TGrainInterface), primaryKey);

    public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey, string keyExtension, string? grainClassNamePrefix = null) where TGrainInterface : IGrainWithGuidCompoundKey =>
        throw Unexpected(typeof(TGrainInterface), primaryKey);

    public TGrainInterface GetGrain<TGrainInterface>(long primaryKey, string keyExtension, string? grainClassNamePrefix = null) where TGrainInterface : IGrainWithIntegerCompoundKey =>
        throw Unexpected(typeof(TGrainInterface), primaryKey);

    public TGrainObserverInterface CreateObjectReference<TGrainObserverInterface>(IGrainObserver obj) where TGrainObserverInterface : IGrainObserver =>
        throw new NotSupportedException();

    public void DeleteObjectReference<TGrainObserverInterface>(IGrainObserver obj) where TGrainObserverInterface : IGrainObserver =>
        throw new NotSupportedException();

    public IGrain GetGrain(Type grainInterfaceType, Guid grainPrimaryKey) => throw Unexpected(grainInterfaceType, grainPrimaryKey);

    public IGrain GetGrain(Type grainInterfaceType, long grainPrimaryKey) => throw Unexpected(grainInterfaceType, grainPrimaryKey);

    public IGrain GetGrain(Type grainInterfaceType, string grainPrimaryKey) => throw Unexpected(grainInterfaceType, grainPrimaryKey);

    public IGrain GetGrain(Type grainInterfaceType, Guid grainPrimaryKey, string keyExtension) => throw Unexpected(grainInterfaceType, grainPrimaryKey);

    public IGrain GetGrain(Type grainInterfaceType, long grainPrimaryKey, string keyExtension) => throw Unexpected(grainInterfaceType, grainPrimaryKey);

    public TGrainInterface GetGrain<TGrainInterface>(GrainId grainId) where TGrainInterface : IAddressable => throw Unexpected(typeof(TGrainInterface), grainId);

    public IAddressable GetGrain(GrainId grainId) => throw Unexpected(typeof(IAddressable), grainId);

    public IAddressable GetGrain(GrainId grainId, GrainInterfaceType interfaceType) => throw Unexpected(typeof(IAddressable), grainId);

    public IAddressable GetGrain(Type interfaceType, IdSpan grainKey, string grainClassNamePrefix) => throw Unexpected(interfaceType, grainKey);

    public IAddressable GetGrain(Type interfaceType, IdSpan grainKey) => throw Unexpected(interfaceType, grainKey);

    private GrainReferenceRequestedException Unexpected(Type grainInterface, object key)
    {
        string text = Convert.ToString(key, System.Globalization.CultureInfo.InvariantCulture) ?? "";
        Requested.Add($"{grainInterface.Name}/{text}");
        return new GrainReferenceRequestedException(grainInterface.Name, text);
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
