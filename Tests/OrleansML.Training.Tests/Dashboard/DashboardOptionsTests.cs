using System.Net;
using Microsoft.Extensions.Configuration;
using OrleansML.Cli;
using OrleansML.Dashboard;

namespace OrleansML.Training.Tests.Dashboard;

public sealed class DashboardOptionsTests
{
    private const string ShortToken = "tooshort-secret";

    [Fact]
    public void Defaults_are_off_and_on_loopback()
    {
        DashboardOptions options = DashboardOptions.Load(new ConfigurationBuilder().Build());

        Assert.Equal(0, options.Port);
        Assert.Equal(IPAddress.Loopback, options.Address);
        Assert.Null(options.Token);
        Assert.Equal(TimeSpan.FromSeconds(1), options.RefreshInterval);
    }

    [Fact]
    public void Binding_beyond_loopback_without_a_token_is_refused_naming_the_key()
    {
        DashboardException error = Assert.Throws<DashboardException>(() => Load(("Port", "8787"), ("Address", "0.0.0.0")));

        Assert.StartsWith("OrleansML:Dashboard:Address is 0.0.0.0", error.Message, StringComparison.Ordinal);
        Assert.Contains("OrleansML:Dashboard:Token", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Beyond_loopback_with_a_token_is_accepted()
    {
        DashboardOptions options = Load(("Port", "8787"), ("Address", "0.0.0.0"), ("Token", "0123456789abcdef0123"));

        Assert.True(options.RequiresToken);
        Assert.Equal(IPAddress.Any, options.Address);
    }

    [Theory]
    [InlineData("Port", "70000", "OrleansML:Dashboard:Port")]
    [InlineData("Address", "localhost-ish", "OrleansML:Dashboard:Address")]
    [InlineData("RefreshInterval", "00:00:00.01", "OrleansML:Dashboard:RefreshInterval")]
    [InlineData("FinishedJobs", "0", "OrleansML:Dashboard:FinishedJobs")]
    [InlineData("Colour", "blue", "OrleansML:Dashboard:Colour")]
    public void Bad_values_name_their_key(string key, string value, string named)
    {
        DashboardException error = Assert.Throws<DashboardException>(() => Load((key, value)));

        Assert.StartsWith(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_short_token_is_refused_without_repeating_it()
    {
        DashboardException error = Assert.Throws<DashboardException>(() => Load(("Token", ShortToken)));

        Assert.Contains("at least 16 characters", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ShortToken, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cli_refuses_a_public_address_without_a_token_before_connecting()
    {
        (int code, _, string error) = await CliRuns.RunAsync(["dashboard", "--address", "0.0.0.0"], new Dictionary<string, string?>());

        Assert.Equal(ExitCodes.BadUsage, code);
        Assert.Contains("--address is 0.0.0.0, beyond loopback", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cli_never_prints_a_rejected_token_from_the_environment()
    {
        var environment = new Dictionary<string, string?> { [DashboardCommand.TokenVariable] = ShortToken };

        (int code, string output, string error) = await CliRuns.RunAsync(["dashboard", "--address", "0.0.0.0", "--port", "0"], environment);

        Assert.Equal(ExitCodes.BadUsage, code);
        Assert.Contains("--token must be at least", error, StringComparison.Ordinal);
        Assert.DoesNotContain(ShortToken, output + error, StringComparison.Ordinal);
    }

    private static DashboardOptions Load(params (string Key, string Value)[] values) =>
        DashboardOptions.Load(new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>($"{DashboardOptions.Section}:{v.Key}", v.Value)))
            .Build());
}
