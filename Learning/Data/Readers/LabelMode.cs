namespace OrleansML.Learning.Data.Readers;

/// <summary>How a text reader interprets and validates the label of each row.</summary>
public enum LabelMode
{
    /// <summary>Keep the label as written (regression); it must be finite.</summary>
    AsIs,

    /// <summary>Binary classification: -1 and 0 become 0, +1 becomes 1; any other value is an error.</summary>
    Binary,

    /// <summary>Multi-class: labels must be integers in [0, ClassCount) (or just non-negative integers when no class count is given).</summary>
    ClassIds,
}
