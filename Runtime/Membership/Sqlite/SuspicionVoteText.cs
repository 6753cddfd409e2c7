using System.Globalization;
using System.Text;

namespace OrleansML.Runtime.Membership;

/// <summary>
/// Suspicion votes stored as text, as Orleans does: <c>voter,time|voter,time</c> where the voter is
/// "host:port:generation" and the time is UTC ticks. Neither part can contain ',' or '|'.
/// </summary>
internal static class SuspicionVoteText
{
    public static string Format(IReadOnlyList<SuspicionVote> votes)
    {
        ArgumentNullException.ThrowIfNull(votes);
        var text = new StringBuilder();
        foreach (SuspicionVote vote in votes)
        {
            if (text.Length > 0)
            {
                text.Append('|');
            }

            text.Append(CultureInfo.InvariantCulture, $"{vote.Voter},{vote.Time.UtcTicks}");
        }

        return text.ToString();
    }

    public static IReadOnlyList<SuspicionVote> Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        var votes = new List<SuspicionVote>();
        foreach (string item in text.Split('|'))
        {
            int comma = item.LastIndexOf(',');
            if (comma <= 0 || !long.TryParse(item.AsSpan(comma + 1), NumberStyles.None, CultureInfo.InvariantCulture, out long ticks))
            {
                throw new FormatException($"'{item}' in the membership table's suspect votes is not of the form voter,ticks.");
            }

            votes.Add(new SuspicionVote(SiloAddress.Parse(item[..comma]), new DateTimeOffset(ticks, TimeSpan.Zero)));
        }

        return votes;
    }
}
