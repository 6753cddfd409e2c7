using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace OrleansML.Dashboard.Http;

/// <summary>
/// The secret a dashboard bound beyond loopback requires of every request: as <c>Authorization: Bearer &lt;token&gt;</c>,
/// as <c>?token=&lt;token&gt;</c> in the address (what a browser can be given), or in a cookie the server set after
/// one of those (so that a page's own scripts and assets, which send neither, are let in). The comparison takes the
/// same time whatever was sent; the token itself is never logged or echoed.
/// </summary>
public sealed class BearerToken
{
    public const string QueryParameter = "token";

    private readonly byte[] _token;

    /// <summary>Holds <paramref name="token"/>; callers validate its length and characters first.</summary>
    public BearerToken(string token)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        _token = Encoding.UTF8.GetBytes(token);
    }

    /// <summary>Whether <paramref name="request"/> presents the token in its Authorization header, its query or (when
    /// <paramref name="cookie"/> names one) that cookie.</summary>
    public bool IsPresentedBy(HttpRequest request, string? cookie = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        string header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Matches(header["Bearer ".Length..].Trim());
        }

        return Matches(request.Query[QueryParameter].ToString())
            || (cookie is not null && request.Cookies.TryGetValue(cookie, out string? value) && Matches(value));
    }

    /// <summary>Whether the request's query carries the token (the one case where a server sets its cookie).</summary>
    public bool IsInQuery(HttpRequest request) => Matches(request.Query[QueryParameter].ToString());

    /// <summary>Writes a 401 with a <c>WWW-Authenticate: Bearer</c> challenge and <paramref name="message"/>.</summary>
    public static Task ChallengeAsync(HttpResponse response, string message, CancellationToken cancellationToken)
    {
        byte[] body = Encoding.UTF8.GetBytes(message.EndsWith('\n') ? message : message + "\n");
        response.StatusCode = StatusCodes.Status401Unauthorized;
        response.Headers.WWWAuthenticate = "Bearer";
        response.Headers.CacheControl = "no-store";
        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, cancellationToken).AsTask();
    }

    private bool Matches(string presented) =>
        !string.IsNullOrEmpty(presented) && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _token);
}
