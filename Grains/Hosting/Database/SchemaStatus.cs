namespace OrleansML.Grains.Hosting.Database;

/// <summary>What <see cref="PostgreSqlSchema.CheckAsync"/> found in a database.</summary>
public sealed class SchemaStatus
{
    /// <summary>Creates a status from the tables (or sequence) and query keys found missing.</summary>
    public SchemaStatus(IReadOnlyList<string> missingObjects, IReadOnlyList<string> missingQueryKeys)
    {
        ArgumentNullException.ThrowIfNull(missingObjects);
        ArgumentNullException.ThrowIfNull(missingQueryKeys);
        MissingObjects = missingObjects;
        MissingQueryKeys = missingQueryKeys;
    }

    /// <summary>Tables and sequences of <see cref="PostgreSqlSchema.RequiredObjects"/> that the database lacks.</summary>
    public IReadOnlyList<string> MissingObjects { get; }

    /// <summary>Orleans query keys absent from OrleansQuery (all of them when that table is missing).</summary>
    public IReadOnlyList<string> MissingQueryKeys { get; }

    /// <summary>Whether any of the schema exists: false means it was never created in this database.</summary>
    public bool IsPresent => MissingObjects.Count < PostgreSqlSchema.RequiredObjects.Count;

    /// <summary>Whether every table and every query key Orleans' providers need is there.</summary>
    public bool IsComplete => MissingObjects.Count == 0 && MissingQueryKeys.Count == 0;

    /// <summary>One line for people: "complete", "missing" or what an incomplete schema lacks.</summary>
    public override string ToString()
    {
        if (IsComplete)
        {
            return "complete";
        }

        if (!IsPresent)
        {
            return "missing (none of its tables exist)";
        }

        var parts = new List<string>(2);
        if (MissingObjects.Count > 0)
        {
            parts.Add($"missing tables or sequences: {string.Join(", ", MissingObjects)}");
        }

        if (MissingQueryKeys.Count > 0)
        {
            parts.Add($"missing query keys: {string.Join(", ", MissingQueryKeys)}");
        }

        return $"incomplete ({string.Join("; ", parts)})";
    }
}
