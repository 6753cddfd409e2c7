namespace OrleansML.Runtime.Persistence;

/// <summary>The conditional-write rule every provider applies: null expects no record, otherwise an equal ETag.</summary>
internal static class EtagCheck
{
    public static void ThrowIfMismatch(string? storedEtag, string? expectedEtag, string stateName, GrainId grainId, string operation)
    {
        if (string.Equals(storedEtag, expectedEtag, StringComparison.Ordinal))
        {
            return;
        }

        string stored = storedEtag is null ? "no record" : $"ETag '{storedEtag}'";
        string expected = expectedEtag is null ? "no record" : $"ETag '{expectedEtag}'";
        throw new InconsistentStateException(
            $"Cannot {operation} state '{stateName}' of grain {grainId}: storage has {stored} but the caller expected {expected}. Another activation wrote it since it was read.",
            storedEtag, expectedEtag);
    }
}
