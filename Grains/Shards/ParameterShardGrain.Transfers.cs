using OrleansML.Transfer;

namespace OrleansML.Grains.Shards;

/// <summary>
/// Whole-slice reads and writes in ranges of at most one message (<c>OrleansML:Transfer:MaxMessageBytes</c>), for
/// slices too large for one. A ranged write is staged in a buffer apart from the live parameters and becomes live
/// only when <see cref="CommitParametersAsync"/> finds the whole slice staged for its version, so a writer that
/// fails halfway leaves the shard as it was.
/// </summary>
internal sealed partial class ParameterShardGrain
{
    private float[]? _staged;
    private long _stagedVersion;
    private int _stagedEnd;

    public Task<FloatTensor> ReadParameterRangeAsync(int offset, int count)
    {
        ShardState state = RequireState();
        TransferRanges.CheckRange($"shard {Key}: ReadParameterRangeAsync", offset, count, state.Length, _transfer.FloatsPerMessage);
        return Task.FromResult(new FloatTensor(state.Parameters.AsSpan(offset, count).ToArray()));
    }

    public Task WriteParameterRangeAsync(long version, int offset, FloatTensor valueTensor)
    {
        ShardState state = RequireState();
        ArgumentNullException.ThrowIfNull(valueTensor);
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        float[] values = valueTensor.Values;
        TransferRanges.CheckRange($"shard {Key}: WriteParameterRangeAsync", offset, values.Length, state.Length, _transfer.FloatsPerMessage);
        ShardRequestChecks.CheckFinite(values, Key, "WriteParameterRangeAsync");
        if (_staged is null || _stagedVersion != version || _staged.Length != state.Length)
        {
            _staged = new float[state.Length];
            _stagedVersion = version;
            _stagedEnd = 0;
        }

        if (offset > _stagedEnd)
        {
            throw new InvalidOperationException(
                $"shard {Key}: WriteParameterRangeAsync for version {version} starts at {offset}, after the end of the ranges staged so far ({_stagedEnd}): ranges of one write go in order.");
        }

        values.CopyTo(_staged, offset);
        _stagedEnd = Math.Max(_stagedEnd, offset + values.Length);
        return Task.CompletedTask;
    }

    public Task CommitParametersAsync(long version)
    {
        ShardState state = RequireState();
        if (_staged is null || _stagedVersion != version || _staged.Length != state.Length || _stagedEnd != state.Length)
        {
            string staged = _staged is null ? "nothing is staged" : $"version {_stagedVersion} is staged up to {_stagedEnd} of {_staged.Length} parameters";
            throw new InvalidOperationException(
                $"shard {Key}: cannot commit version {version}: {staged}, but a commit needs all {state.Length} parameters of that version (the shard keeps its parameters).");
        }

        float[] values = _staged;
        _staged = null;
        Core.Overwrite(values, version);
        return Task.CompletedTask;
    }

    /// <summary>Refuses a whole-slice call whose slice would not fit one message: Orleans would drop the connection
    /// after the caller's full timeout instead of failing.</summary>
    private void CheckFitsOneMessage(int length, string method, string rangedMethod)
    {
        if (length > _transfer.FloatsPerMessage)
        {
            throw new InvalidOperationException(
                $"shard {Key}: {method} would carry the whole slice of {length} parameters ({(long)length * sizeof(float)} bytes) in one message, more than " +
                $"OrleansML:Transfer:MaxMessageBytes ({_transfer.MaxMessageBytes} bytes): use {rangedMethod}.");
        }
    }
}
