using System.Net;
using Microsoft.Extensions.DependencyInjection;
using ProcurementFlows.Registries.Prozorro;

namespace ProcurementFlows.Registries.Tests;

/// <summary>The Prozorro client's contract and change-feed reads, which no handler uses yet.</summary>
public sealed class ProzorroClientTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    [Fact]
    public async Task Reads_a_contract_and_the_tender_feed()
    {
        using var scope = fixture.Host.Services.CreateScope();
        var api = scope.ServiceProvider.GetRequiredService<IProzorroApi>();

        var contract = await api.GetContractAsync("c0ffee00c0ffee00c0ffee00c0ffee00", CancellationToken.None);
        var missing = await api.GetContractAsync("00000000000000000000000000000000", CancellationToken.None);
        var feed = await api.GetTenderFeedAsync(1, null, 1, "status,procurementMethodType", CancellationToken.None);
        var next = await api.GetTenderFeedAsync(1, feed.Content!.NextPage!.Offset, 1, null, CancellationToken.None);

        Assert.Equal("pending", contract.Content!.Data!.Status);
        Assert.Equal("UA-EDR", contract.Content.Data.Suppliers![0].Identifier!.Scheme);
        Assert.Equal(470000m, contract.Content.Data.Value!.Amount);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("cancelled", Assert.Single(feed.Content.Data!).Status);
        Assert.Equal("aboveThreshold", Assert.Single(next.Content!.Data!).ProcurementMethodType);
    }
}
