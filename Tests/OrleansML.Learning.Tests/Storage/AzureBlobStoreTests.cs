using Azure.Storage.Blobs;

namespace OrleansML.Learning.Tests.Storage;

/// <summary>The blob store contract on Azurite, each test in a container of its own, and what is particular to Azure.</summary>
public sealed class AzureBlobStoreTests : BlobStoreContract
{
    private readonly string _container = AzuriteConnection.NewContainerName();

    // Small blocks so that the 3 MiB overwrite test goes through staged blocks and a block-list commit.
    private static AzureBlobStoreOptions TestOptions => new() { TransferBlockBytes = 1 << 20, MaxRetries = 2, NetworkTimeout = TimeSpan.FromSeconds(30) };

    protected override Task<IBlobStore> CreateStoreAsync() =>
        Task.FromResult<IBlobStore>(AzureBlobStore.FromConnectionString(AzuriteConnection.ConnectionString, _container, TestOptions));

    protected override async Task DeleteStoreAsync()
    {
        if (Environment.GetEnvironmentVariable(AzuriteConnection.Variable) is { Length: > 0 } connection)
        {
            await new BlobContainerClient(connection, _container).DeleteIfExistsAsync();
        }
    }

    [Fact]
    public void Location_names_endpoint_and_container_but_no_key()
    {
        string key = AccountKey(AzuriteConnection.ConnectionString);

        Assert.StartsWith($"Azure container '{_container}' at http", Store.Location, StringComparison.Ordinal);
        Assert.DoesNotContain(key, Store.Location, StringComparison.Ordinal);
        Assert.DoesNotContain("?", Store.Location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_container_deleted_behind_the_store_is_created_again_by_the_next_write()
    {
        await Store.WriteAsync("before", new byte[] { 1 });
        var container = new BlobContainerClient(AzuriteConnection.ConnectionString, _container);
        await container.DeleteAsync();

        Assert.False(await Store.ExistsAsync("before"));
        Assert.Empty(await ListAsync(""));
        await Store.DeleteAsync("before");
        await Store.WriteAsync("after", new byte[] { 2 });

        Assert.Equal(new byte[] { 2 }, await Store.ReadAllBytesAsync("after"));
        await container.DeleteAsync();
        BlobStoreException unrewindable = await Assert.ThrowsAsync<BlobStoreException>(() => Store.WriteAsync("streamed", new GeneratedStream(1000, seed: 3)));
        Assert.Contains("cannot be rewound", unrewindable.Message, StringComparison.Ordinal);
        await Store.WriteAsync("streamed", new GeneratedStream(1000, seed: 3));
        Assert.Equal(1000, (await Store.ReadAllBytesAsync("streamed")).Length);
    }

    [Fact]
    public async Task A_wrong_account_key_is_reported_as_refused_credentials_without_the_key()
    {
        string connection = AzuriteConnection.ConnectionString;
        string wrongKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(64));
        AzureBlobStore store = AzureBlobStore.FromConnectionString(connection.Replace(AccountKey(connection), wrongKey, StringComparison.Ordinal), _container,
            new AzureBlobStoreOptions { MaxRetries = 0 });

        BlobStoreException error = await Assert.ThrowsAsync<BlobStoreException>(() => store.WriteAsync("x", new byte[] { 1 }));

        Assert.Equal(403, error.Status);
        Assert.Contains("HTTP 403", error.Message, StringComparison.Ordinal);
        Assert.Contains("credentials", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongKey, error.ToString(), StringComparison.Ordinal);
    }

    private static string AccountKey(string connectionString) =>
        connectionString.Split(';').Single(part => part.StartsWith("AccountKey=", StringComparison.Ordinal))["AccountKey=".Length..];
}
