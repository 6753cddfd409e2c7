using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace OrleansML.Grains.Shards;

/// <summary>Checks of a shard's inputs. Every failure is an <see cref="ArgumentException"/> (bad payload or
/// assignment) or an <see cref="InvalidOperationException"/> (a request the shard's state rules out), with a
/// message naming the shard, the field and the value, thrown before anything changes.</summary>
internal static class ShardRequestChecks
{
    public static void CheckAssignment(ShardAssignment assignment, string key)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        if (string.IsNullOrEmpty(assignment.JobId))
        {
            throw new ArgumentException($"shard {key}: assignment.jobId is empty.", nameof(assignment));
        }

        if (assignment.ShardCount < 1 || assignment.ShardIndex < 0 || assignment.ShardIndex >= assignment.ShardCount)
        {
            throw new ArgumentException($"shard {key}: assignment.shardIndex {assignment.ShardIndex} is not in [0, shardCount {assignment.ShardCount}).", nameof(assignment));
        }

        if (assignment.Generation < 0)
        {
            throw new ArgumentException($"shard {key}: assignment.generation {assignment.Generation} must be >= 0.", nameof(assignment));
        }

        string expected = ShardLayout.ShardKey(assignment.JobId, assignment.ShardIndex, assignment.Generation);
        if (!string.Equals(expected, key, StringComparison.Ordinal))
        {
            throw new ArgumentException($"shard {key}: the assignment is for shard '{expected}', not this one.", nameof(assignment));
        }

        if (!Enum.IsDefined(assignment.Mode))
        {
            throw new ArgumentException($"shard {key}: assignment.mode {assignment.Mode} is not a consistency mode.", nameof(assignment));
        }

        if (assignment.WorkerCount < 1 || assignment.BackupWorkers < 0 || assignment.BackupWorkers >= assignment.WorkerCount)
        {
            throw new ArgumentException($"shard {key}: assignment.workerCount {assignment.WorkerCount} must be >= 1 and backupWorkers {assignment.BackupWorkers} in [0, workerCount).", nameof(assignment));
        }

        if (assignment.Staleness < 0 || assignment.CheckpointEverySteps < 0)
        {
            throw new ArgumentException($"shard {key}: assignment.staleness {assignment.Staleness} and checkpointEverySteps {assignment.CheckpointEverySteps} must be >= 0.", nameof(assignment));
        }

        int parameters = assignment.Model.Create().ParameterCount;
        if (assignment.ShardCount > parameters)
        {
            throw new ArgumentException($"shard {key}: assignment.shardCount {assignment.ShardCount} exceeds the model's {parameters} parameters.", nameof(assignment));
        }

        if (ShardState.UsesOptimizer(assignment.Mode))
        {
            assignment.Optimizer.Validate();
        }
    }

    /// <summary>A later assignment may change only the worker count and the mode's settings.</summary>
    public static void CheckSameJob(ShardAssignment current, ShardAssignment next, string key)
    {
        string? changed =
            current.JobId != next.JobId ? $"jobId '{current.JobId}' -> '{next.JobId}'"
            : current.ShardIndex != next.ShardIndex ? $"shardIndex {current.ShardIndex} -> {next.ShardIndex}"
            : current.ShardCount != next.ShardCount ? $"shardCount {current.ShardCount} -> {next.ShardCount}"
            : !current.Model.Equals(next.Model) ? $"model {current.Model.Kind} -> {next.Model.Kind} (or its dimensions)"
            : current.Optimizer != next.Optimizer ? $"optimizer {current.Optimizer.Kind} -> {next.Optimizer.Kind} (or its settings)"
            : current.Mode != next.Mode ? $"mode {current.Mode} -> {next.Mode}"
            : null;
        if (changed is not null)
        {
            throw new InvalidOperationException(
                $"shard {key} is configured for another job or layout ({changed}); a later ConfigureAsync may change only workerCount, backupWorkers, staleness and checkpointEverySteps.");
        }
    }

    public static void CheckWorker(int worker, int workerCount, string key, string operation)
    {
        if (worker < 0 || worker >= workerCount)
        {
            throw new ArgumentException($"shard {key}: {operation} from worker {worker}, which is not in [0, workerCount {workerCount}).", nameof(worker));
        }
    }

    /// <summary>Validates a push and returns its keys as slice-local offsets (null for a dense push).</summary>
    public static int[]? CheckPush(GradientPush push, ShardState state, string key)
    {
        CheckWorker(push.WorkerId, state.Assignment.WorkerCount, key, "push");
        string where = $"shard {key}: push of worker {push.WorkerId} at step {push.Step}";
        if (push.Rows < 1)
        {
            throw new ArgumentException($"{where}: rows must be >= 1, got {push.Rows}.", nameof(push));
        }

        if (push.Step < 0)
        {
            throw new ArgumentException($"{where}: the step must be >= 0.", nameof(push));
        }

        float[] values = push.Values?.Values ?? throw new ArgumentException($"{where}: values are null.", nameof(push));
        int expected = push.Keys?.Length ?? state.Length;
        if (values.Length != expected)
        {
            throw new ArgumentException(push.Keys is null
                ? $"{where}: {values.Length} values for a dense push, but the shard holds {state.Length} parameters."
                : $"{where}: {values.Length} values for {push.Keys.Length} keys.", nameof(push));
        }

        int[]? local = push.Keys is null ? null : LocalKeys(push.Keys.Values, state, key, "push");
        CheckFinite(values, key, where);
        return local;
    }

    /// <summary>Converts sorted, unique global keys inside the shard's range to slice-local offsets.</summary>
    public static int[] LocalKeys(int[] keys, ShardState state, string key, string operation)
    {
        var local = new int[keys.Length];
        int end = state.Start + state.Length;
        for (int i = 0; i < keys.Length; i++)
        {
            int global = keys[i];
            if (global < state.Start || global >= end)
            {
                throw new ArgumentException($"shard {key}: {operation} key {global} (at position {i}) is outside the shard's range [{state.Start}, {end}).", nameof(keys));
            }

            if (i > 0 && global <= keys[i - 1])
            {
                throw new ArgumentException($"shard {key}: {operation} keys must be sorted and unique, but key {global} (at position {i}) follows {keys[i - 1]}.", nameof(keys));
            }

            local[i] = global - state.Start;
        }

        return local;
    }

    public static void CheckFinite(ReadOnlySpan<float> values, string key, string where)
    {
        // Every push is checked on a BSP step's critical path: test eight values at a time (x - x is 0 exactly
        // when x is finite) and look for the culprit only when a block fails.
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float first = ref MemoryMarshal.GetReference(values);
            for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> block = Vector256.LoadUnsafe(ref first, (nuint)i);
                if (!Vector256.EqualsAll(block - block, Vector256<float>.Zero))
                {
                    break;
                }
            }
        }

        for (; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                throw new ArgumentException($"shard {key}: {where}: value {i} is {values[i].ToString(CultureInfo.InvariantCulture)}; non-finite values are refused so they cannot corrupt the model.", nameof(values));
            }
        }
    }

    /// <summary>The shard index at the end of a shard key ("{job}/shards/{i}"), or -1.</summary>
    public static int IndexFromKey(string key)
    {
        int slash = key.LastIndexOf('/');
        return int.TryParse(key.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int index) ? index : -1;
    }
}
