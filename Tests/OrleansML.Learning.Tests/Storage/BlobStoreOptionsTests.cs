namespace OrleansML.Learning.Tests.Storage;

public sealed class BlobStoreOptionsTests
{
    private const string Connection = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=aHVudGVyMnNlY3JldA==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1";

    [Fact]
    public void Defaults_are_a_local_store_in_the_XDG_data_directory()
    {
        var options = new BlobStoreOptions();

        Assert.Equal((BlobStoreKind.Local, null, "orleansml"), (options.Kind, options.Directory, options.Container));
        Assert.Empty(options.Validate());
        Assert.Equal(Path.Combine("/data", "orleansml"), BlobStoreOptions.DefaultDirectory(Variables(("XDG_DATA_HOME", "/data"), ("HOME", "/home/u"))));
        Assert.Equal(Path.Combine("/home/u", ".local", "share", "orleansml"), BlobStoreOptions.DefaultDirectory(Variables(("XDG_DATA_HOME", "relative/path"), ("HOME", "/home/u"))));
        Assert.Equal(Path.Combine("/home/u", ".local", "share", "orleansml"), BlobStoreOptions.DefaultDirectory(Variables(("HOME", "/home/u"))));
        var store = (LocalDirectoryBlobStore)BlobStore.Create(options);
        Assert.Equal(BlobStoreOptions.DefaultDirectory(), store.RootDirectory);
    }

    [Fact]
    public void Create_builds_the_configured_kind()
    {
        string directory = Path.Combine(Path.GetTempPath(), "orleansml-options");

        IBlobStore local = BlobStore.Create(new BlobStoreOptions { Directory = directory });
        IBlobStore azure = BlobStore.Create(new BlobStoreOptions { Kind = BlobStoreKind.Azure, ConnectionString = Connection, Container = "jobs" });

        Assert.Equal($"directory {directory}", local.Location);
        Assert.Equal("Azure container 'jobs' at http://127.0.0.1:10000/devstoreaccount1", azure.Location);
        Assert.IsType<AzureBlobStore>(azure);
    }

    [Fact]
    public void Validation_names_every_bad_option()
    {
        var options = new BlobStoreOptions { Kind = BlobStoreKind.Azure, Container = "Bad_Name", Azure = { MaxRetries = -1, TransferBlockBytes = 10 } };

        IReadOnlyList<string> errors = options.Validate();
        ArgumentException thrown = Assert.Throws<ArgumentException>(() => BlobStore.Create(options));

        Assert.Collection(errors,
            error => Assert.StartsWith("ConnectionString is required when Kind is Azure", error, StringComparison.Ordinal),
            error => Assert.StartsWith("Container is not valid: container name 'Bad_Name' has 'B' at position 0", error, StringComparison.Ordinal),
            error => Assert.StartsWith("Azure.MaxRetries is -1", error, StringComparison.Ordinal),
            error => Assert.StartsWith("Azure.TransferBlockBytes is 10", error, StringComparison.Ordinal));
        Assert.All(errors, error => Assert.Contains(error, thrown.Message, StringComparison.Ordinal));
        Assert.Contains("Kind is 7", Assert.Single(new BlobStoreOptions { Kind = (BlobStoreKind)7 }.Validate()), StringComparison.Ordinal);
        Assert.Equal(["Directory is empty or not a valid path."], new BlobStoreOptions { Directory = " " }.Validate());
    }

    [Fact]
    public void A_bad_connection_string_option_is_reported_without_its_value()
    {
        var options = new BlobStoreOptions { Kind = BlobStoreKind.Azure, ConnectionString = "AccountName=a;AccountKey=hunter2*secret" };

        string error = Assert.Single(options.Validate());

        Assert.Equal("ConnectionString is not valid: AccountKey is not valid base64 (its value is not shown).", error);
        Assert.DoesNotContain("hunter2", options.ToString(), StringComparison.Ordinal);
        Assert.Equal("Azure container 'orleansml' (connection string set, not shown)", options.ToString());
    }

    [Fact]
    public void Blob_names_join_and_prefixes_validate()
    {
        Assert.Equal("a/b", BlobName.Join("a", "b"));
        Assert.Equal("a/b", BlobName.Join("a/", "b"));
        Assert.Equal("b", BlobName.Join("", "b"));
        Assert.Throws<ArgumentException>(() => BlobName.Join("a//", "b"));
        Assert.Throws<ArgumentException>(() => BlobName.Join("", "../b"));
        BlobName.ValidatePrefix("");
        BlobName.ValidatePrefix("jobs/");
        BlobName.ValidatePrefix("jobs/.");
        Assert.Throws<ArgumentException>(() => BlobName.ValidatePrefix("/jobs"));
        Assert.Throws<ArgumentException>(() => BlobName.ValidatePrefix("../jobs"));
        Assert.Throws<ArgumentException>(() => BlobName.Validate(new string('x', BlobName.MaximumLength + 1)));
        Assert.Throws<ArgumentException>(() => BlobName.Validate("unpaired\uD800"));
        BlobName.Validate("émoji-😀/ok");
    }

    private static Func<string, string?> Variables(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(variable => variable.Name == name).Value;
}
