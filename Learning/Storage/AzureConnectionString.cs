namespace OrleansML.Learning.Storage;

/// <summary>
/// Checks an Azure Storage connection string before the Azure SDK sees it, so that a mistake is reported as
/// which setting is wrong and why. Values are never echoed (only setting names),
/// because a misplaced separator can put part of the account key anywhere.
/// </summary>
internal static class AzureConnectionString
{
    private static readonly string[] KnownSettings =
    [
        "DefaultEndpointsProtocol", "AccountName", "AccountKey", "SharedAccessSignature", "EndpointSuffix",
        "BlobEndpoint", "QueueEndpoint", "TableEndpoint", "FileEndpoint",
        "BlobSecondaryEndpoint", "QueueSecondaryEndpoint", "TableSecondaryEndpoint", "FileSecondaryEndpoint",
        "UseDevelopmentStorage", "DevelopmentStorageProxyUri",
    ];

    private static readonly System.Buffers.SearchValues<char> NameCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");

    /// <summary>What is wrong with <paramref name="connectionString"/>, or null when it looks usable.</summary>
    public static string? Problem(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return "it is empty";
        }

        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        string[] parts = connectionString.Split(';');
        for (int i = 0; i < parts.Length; i++)
        {
            string part = parts[i].Trim();
            if (part.Length == 0)
            {
                continue;
            }

            int equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                return $"part {i + 1} (counting ';'-separated parts from 1) is not of the form Name=Value; its text is not shown because it may hold a key";
            }

            string name = part[..equals].Trim();
            string? known = Array.Find(KnownSettings, candidate => candidate.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (known is null)
            {
                // A name that does not look like one may be a fragment of a key: then it is not shown.
                string shown = name.Length <= 40 && !name.AsSpan().ContainsAnyExcept(NameCharacters) ? $" '{name}'" : " (not shown: it does not look like a setting name)";
                return $"part {i + 1} has an unknown setting name{shown}; known names are {string.Join(", ", KnownSettings)}";
            }

            if (known != name)
            {
                return $"setting '{name}' must be spelled '{known}' (names are case-sensitive)";
            }

            if (!settings.TryAdd(name, part[(equals + 1)..].Trim()))
            {
                return $"setting '{name}' appears more than once";
            }
        }

        return CheckValues(settings);
    }

    private static string? CheckValues(Dictionary<string, string> settings)
    {
        if (settings.TryGetValue("DefaultEndpointsProtocol", out string? protocol) && protocol is not ("http" or "https"))
        {
            return "DefaultEndpointsProtocol must be 'http' or 'https'";
        }

        foreach ((string name, string value) in settings)
        {
            if (name.EndsWith("Endpoint", StringComparison.Ordinal) || name == "DevelopmentStorageProxyUri")
            {
                if (!Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
                {
                    return $"{name} is not an absolute http or https address (its value is not shown)";
                }
            }
        }

        if (settings.TryGetValue("AccountKey", out string? key))
        {
            if (!settings.ContainsKey("AccountName"))
            {
                return "AccountKey is given without AccountName";
            }

            if (key.Length == 0 || !IsBase64(key))
            {
                return "AccountKey is not valid base64 (its value is not shown)";
            }

            if (settings.ContainsKey("SharedAccessSignature"))
            {
                return "both AccountKey and SharedAccessSignature are given; use one of them";
            }
        }

        bool development = settings.TryGetValue("UseDevelopmentStorage", out string? useDevelopment);
        if (development && !string.Equals(useDevelopment, "true", StringComparison.OrdinalIgnoreCase))
        {
            return "UseDevelopmentStorage must be 'true' when it is given";
        }

        if (!development && !settings.ContainsKey("BlobEndpoint") && !settings.ContainsKey("AccountName"))
        {
            return "it names no blob endpoint: give BlobEndpoint, or AccountName (with DefaultEndpointsProtocol and EndpointSuffix), or UseDevelopmentStorage=true";
        }

        return null;
    }

    private static bool IsBase64(string text)
    {
        byte[] buffer = new byte[(text.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(text, buffer, out _);
    }
}
