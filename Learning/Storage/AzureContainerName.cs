namespace OrleansML.Learning.Storage;

/// <summary>Azure's rules for container names, checked here so a bad name fails at start-up with a reason, not as HTTP 400 later.</summary>
internal static class AzureContainerName
{
    /// <summary>Why <paramref name="name"/> is not a valid container name, or null when it is.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "the container name is empty";
        }

        if (name.Length is < 3 or > 63)
        {
            return $"container name '{name}' is {name.Length} characters long; Azure allows 3 to 63";
        }

        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            {
                return $"container name '{name}' has '{c}' at position {i}; Azure allows lower-case letters, digits and '-'";
            }
        }

        if (name[0] == '-' || name[^1] == '-' || name.Contains("--", StringComparison.Ordinal))
        {
            return $"container name '{name}' must start and end with a letter or digit and must not contain '--'";
        }

        return null;
    }
}
