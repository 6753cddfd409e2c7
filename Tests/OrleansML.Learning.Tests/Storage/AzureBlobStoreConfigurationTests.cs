using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace OrleansML.Learning.Tests.Storage;

/// <summary>Azure store set-up errors, which need no service: unreachable endpoints and malformed connection strings.</summary>
public sealed class AzureBlobStoreConfigurationTests
{
    private static readonly string Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));

    [Fact]
    public async Task A_closed_port_fails_quickly_with_the_endpoint_named()
    {
        int port = ClosedPort();
        string endpoint = $"http://127.0.0.1:{port}/devstoreaccount1";
        AzureBlobStore store = AzureBlobStore.FromConnectionString(
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};BlobEndpoint={endpoint};", "orleansml",
            new AzureBlobStoreOptions { MaxRetries = 1, RetryDelay = TimeSpan.FromMilliseconds(50), MaxRetryDelay = TimeSpan.FromMilliseconds(100), NetworkTimeout = TimeSpan.FromSeconds(3) });

        // WaitAsync turns a hang into a failure instead of a stuck test run.
        BlobStoreException write = await Assert.ThrowsAsync<BlobStoreException>(() => store.WriteAsync("x", new byte[] { 1 }).WaitAsync(TimeSpan.FromSeconds(15)));
        BlobStoreException read = await Assert.ThrowsAsync<BlobStoreException>(() => store.ReadAllBytesAsync("x").WaitAsync(TimeSpan.FromSeconds(15)));

        Assert.Equal($"Azure container 'orleansml' at {endpoint}", store.Location);
        Assert.Contains(endpoint, write.Message, StringComparison.Ordinal);
        Assert.Contains("could not be reached", write.Message, StringComparison.Ordinal);
        Assert.Contains("2 attempts", write.Message, StringComparison.Ordinal);
        Assert.Null(write.Status);
        Assert.Equal("x", write.BlobName);
        Assert.IsNotType<BlobNotFoundException>(read);
        Assert.Equal("x", read.BlobName);
        Assert.DoesNotContain(Key, write.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_service_that_never_answers_fails_after_the_network_timeout()
    {
        // The kernel accepts connections into the backlog; nothing ever reads or answers them.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        string endpoint = $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/devstoreaccount1";
        AzureBlobStore store = AzureBlobStore.FromConnectionString($"AccountName=devstoreaccount1;AccountKey={Key};BlobEndpoint={endpoint}", "orleansml",
            new AzureBlobStoreOptions { MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(1) });

        BlobStoreException error = await Assert.ThrowsAsync<BlobStoreException>(() => store.ExistsAsync("x").WaitAsync(TimeSpan.FromSeconds(15)));

        Assert.Contains(endpoint, error.Message, StringComparison.Ordinal);
        Assert.Contains("network timeout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_callers_cancellation_is_not_reported_as_a_store_failure()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        AzureBlobStore store = AzureBlobStore.FromConnectionString(
            $"AccountName=devstoreaccount1;AccountKey={Key};BlobEndpoint=http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/devstoreaccount1", "orleansml");
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.WriteAsync("x", new byte[] { 1 }, cancellation.Token).WaitAsync(TimeSpan.FromSeconds(15)));
    }

    [Theory]
    [InlineData("", "it is empty")]
    [InlineData("AccountName=a;AccountKey=!!not*base64!!;BlobEndpoint=http://127.0.0.1:1/a", "AccountKey is not valid base64")]
    [InlineData("AccountName=a;AcountKey=hunter2secret", "unknown setting name 'AcountKey'")]
    [InlineData("AccountName=a;hunter2secret", "part 2 (counting")]
    [InlineData("AccountName=a;x/y+z==", "(not shown: it does not look like a setting name)")]
    [InlineData("AccountName=a;BlobEndpoint=hunter2secret", "BlobEndpoint is not an absolute http or https address")]
    [InlineData("DefaultEndpointsProtocol=ftp;AccountName=a", "DefaultEndpointsProtocol must be 'http' or 'https'")]
    [InlineData("AccountKey=aHVudGVyMnNlY3JldA==", "AccountKey is given without AccountName")]
    [InlineData("EndpointSuffix=core.windows.net", "names no blob endpoint")]
    [InlineData("accountname=a", "must be spelled 'AccountName'")]
    [InlineData("AccountName=a;AccountName=b", "'AccountName' appears more than once")]
    public void A_malformed_connection_string_names_the_wrong_part_but_no_value(string connectionString, string expected)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => AzureBlobStore.FromConnectionString(connectionString, "orleansml"));

        Assert.Equal("connectionString", error.ParamName);
        Assert.StartsWith("The Azure Storage connection string is not valid: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2secret", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("aHVudGVyMnNlY3JldA", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not*base64", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("x/y+z", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Upper", "'U' at position 0")]
    [InlineData("ab", "3 to 63")]
    [InlineData("a--b", "'--'")]
    public void A_bad_container_name_is_reported_with_the_rule(string container, string expected)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() =>
            AzureBlobStore.FromConnectionString($"AccountName=devstoreaccount1;AccountKey={Key};BlobEndpoint=http://127.0.0.1:1/devstoreaccount1", container));

        Assert.Equal("container", error.ParamName);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_valid_connection_string_makes_a_store_without_contacting_the_service()
    {
        AzureBlobStore store = AzureBlobStore.FromConnectionString($"DefaultEndpointsProtocol=https;AccountName=myaccount;AccountKey={Key};EndpointSuffix=core.windows.net", "models");

        Assert.Equal("Azure container 'models' at https://myaccount.blob.core.windows.net", store.Location);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
