namespace OrleansML.Learning.Data.Readers;

/// <summary>Cuts user data quoted in messages, so that a huge bad token cannot flood a terminal or a log.</summary>
internal static class Excerpt
{
    public const int MaxLength = 80;

    public static string Of(ReadOnlySpan<char> text) =>
        text.Length <= MaxLength ? text.ToString() : string.Concat(text[..MaxLength], $"... ({text.Length} characters)");

    public static string Of(string? text) => text is null ? string.Empty : Of(text.AsSpan());
}
