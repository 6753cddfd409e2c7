namespace OrleansML.Learning.Data.Readers;

/// <summary>Parses and validates one label token according to the options' <see cref="LabelMode"/>.</summary>
internal static class LabelParser
{
    /// <summary>Returns null on success (with the mapped label), else the reason the token is not a valid label.</summary>
    public static string? TryParse(ReadOnlySpan<char> token, TextReaderOptions options, out float label)
    {
        if (!FastNumberParser.TryParseFloat(token, out label))
        {
            return $"label '{Excerpt.Of(token)}' is not a number";
        }

        if (!float.IsFinite(label))
        {
            return $"label '{Excerpt.Of(token)}' is not finite";
        }

        switch (options.LabelMode)
        {
            case LabelMode.Binary:
                if (label is -1f or 0f)
                {
                    label = 0f;
                    return null;
                }

                return label == 1f ? null : $"label '{Excerpt.Of(token)}' is not a binary label (-1, 0 or +1)";
            case LabelMode.ClassIds:
                if (label < 0f || label != MathF.Floor(label))
                {
                    return $"label '{Excerpt.Of(token)}' is not a class id (a non-negative integer)";
                }

                if (options.ClassCount is int classCount && label >= classCount)
                {
                    return $"label '{Excerpt.Of(token)}' is not a class id in [0, {classCount})";
                }

                return null;
            default:
                return null;
        }
    }
}
