using OrleansML.Runtime.Client;

namespace OrleansML.Runtime.ProcessTests;

/// <summary>Client options: validated with a message naming the option; the secret never shows.</summary>
public sealed class ClusterClientOptionsTests
{
    private const string Secret = "client-options-secret-0123456789";

    [Theory]
    [InlineData("ClusterSecret")]
    [InlineData("ClusterId")]
    [InlineData("ResponseTimeout")]
    [InlineData("ConnectAttempts")]
    [InlineData("MembershipDatabasePath")]
    public void Invalid_option_is_named(string option)
    {
        var options = new ClusterClientOptions { ClusterSecret = Secret };
        switch (option)
        {
            case "ClusterSecret": options.ClusterSecret = "short"; break;
            case "ClusterId": options.ClusterId = ""; break;
            case "ResponseTimeout": options.ResponseTimeout = TimeSpan.Zero; break;
            case "ConnectAttempts": options.ConnectAttempts = 0; break;
            default: options.MembershipDatabasePath = ""; break;
        }

        ArgumentException error = Assert.ThrowsAny<ArgumentException>(options.Validate);
        Assert.Equal(option, error.ParamName);
        Assert.Contains($"ClusterClientOptions.{option}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_are_valid_once_a_secret_is_set_and_the_secret_is_not_in_ToString()
    {
        var options = new ClusterClientOptions { ClusterSecret = Secret, MembershipDatabasePath = "/tmp/cluster.db" };
        options.Validate();
        Assert.Equal("dev", options.ClusterId);
        Assert.Equal(TimeSpan.FromSeconds(30), options.ResponseTimeout);
        Assert.Equal(5, options.ConnectAttempts);
        Assert.DoesNotContain(Secret, options.ToString(), StringComparison.Ordinal);
        Assert.Contains("sqlite:/tmp/cluster.db", options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_without_any_reachable_gateway_fails_with_SiloUnavailable_after_its_attempts()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        services.AddClusterClient(o =>
        {
            o.ClusterSecret = Secret;
            // Port 1 on loopback: nothing listens, the connect is refused at once.
            o.StaticGateways.Add(new Membership.GatewayAddress(SiloAddress.Parse("127.0.0.1:1:1"), 1));
            o.ConnectAttempts = 2;
            o.ReconnectDelay = TimeSpan.FromMilliseconds(50);
        });
        await using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);
        IClusterClient client = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<IClusterClient>(provider);
        SiloUnavailableException error = await Assert.ThrowsAsync<SiloUnavailableException>(() => client.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("in 2 rounds", error.Message, StringComparison.Ordinal);
        Assert.Null(client.Gateway);
    }
}
