using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ProcurementFlows.Registries.Vetting;
using ProcurementFlows.RegistrySandbox;
using ProcurementFlows.Runtime.ServiceTasks;

namespace ProcurementFlows.Registries.Tests;

/// <summary>The sandbox itself: real shapes and statuses, the admin API, the fault header, and embedding.</summary>
public sealed class SandboxTests
{
    [Fact]
    public async Task Serves_the_real_paths_and_statuses_below_each_registry_prefix()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        using var http = new HttpClient { BaseAddress = sandbox.BaseAddress };

        var deleted = await http.GetAsync(new Uri("brreg/enhetsregisteret/api/enheter/978901239", UriKind.Relative));
        var removed = await http.GetAsync(new Uri("brreg/enhetsregisteret/api/enheter/989012347", UriKind.Relative));
        var unknown = await http.GetAsync(new Uri("brreg/enhetsregisteret/api/enheter/990123454", UriKind.Relative));
        var invalid = await http.GetAsync(new Uri("brreg/enhetsregisteret/api/enheter/12", UriKind.Relative));
        var lei = await http.GetAsync(new Uri("gleif/api/v1/lei-records/5493001NRDLYSFT9K236", UriKind.Relative));
        var noKey = await http.GetAsync(new Uri("sam/entity-information/v4/exclusions?ueiSAM=KQ7WLLDBMD5X", UriKind.Relative));
        var tender = await http.GetFromJsonAsync<JsonObject>(new Uri("prozorro/api/2.5/tenders/a1b2c3d4e5f60718293a4b5c6d7e8f90", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal("SlettetEnhet", JsonNode.Parse(await deleted.Content.ReadAsStringAsync())!["respons_klasse"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Gone, removed.StatusCode);
        Assert.Equal("2019-03-01", JsonNode.Parse(await removed.Content.ReadAsStringAsync())!["slettedato"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Empty(await unknown.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal("application/vnd.api+json", lei.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, noKey.StatusCode);
        Assert.Contains("API_KEY_MISSING", await noKey.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("UA-EDR", tender!["data"]!["procuringEntity"]!["identifier"]!["scheme"]!.GetValue<string>());
    }

    [Fact]
    public async Task Match_endpoint_validates_like_yente()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { OpenSanctionsApiKey = null });
        using var http = new HttpClient { BaseAddress = sandbox.BaseAddress };

        var empty = await http.PostAsync(new Uri("opensanctions/match/default", UriKind.Relative), JsonContent.Create(new JsonObject { ["queries"] = new JsonObject() }));
        var unknownDataset = await http.PostAsync(new Uri("opensanctions/match/nope", UriKind.Relative), JsonContent.Create(new JsonObject()));
        var tooMany = await http.PostAsync(
            new Uri("opensanctions/match/default?" + string.Join('&', Enumerable.Range(0, 51).Select(i => $"exclude_entity_ids=id{i}")), UriKind.Relative),
            JsonContent.Create(new JsonObject { ["queries"] = new JsonObject { ["q"] = new JsonObject { ["schema"] = "Company", ["properties"] = new JsonObject { ["name"] = new JsonArray("x") } } } }));
        var ok = await http.PostAsync(
            new Uri("opensanctions/match/default?threshold=0.9", UriKind.Relative),
            JsonContent.Create(new JsonObject { ["queries"] = new JsonObject { ["q"] = new JsonObject { ["schema"] = "Company", ["properties"] = new JsonObject { ["name"] = new JsonArray("Volkov Arms") } } } }));

        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.NotNull(JsonNode.Parse(await empty.Content.ReadAsStringAsync())!["detail"]);
        Assert.Equal(HttpStatusCode.NotFound, unknownDataset.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Equal("1", ok.Headers.GetValues("x-batch-size").Single());
        var result = JsonNode.Parse(await ok.Content.ReadAsStringAsync())!["responses"]!["q"]!["results"]![0]!;
        Assert.Equal(1.0, result["score"]!.GetValue<double>()); // the alias "Volkov Arms" matches exactly
        Assert.True(result["match"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Faults_come_from_the_admin_api_counting_down_or_from_a_request_header()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        using var http = new HttpClient { BaseAddress = sandbox.BaseAddress };
        var entity = new Uri("brreg/enhetsregisteret/api/enheter/923456783", UriKind.Relative);

        var added = await http.PostAsync(
            new Uri("_sandbox/faults", UriKind.Relative),
            new StringContent("""{"registry":"brreg","kind":"Status","statusCode":503,"retryAfterSeconds":7,"times":2}""", System.Text.Encoding.UTF8, "application/json"));
        var first = await http.GetAsync(entity);
        var second = await http.GetAsync(entity);
        var third = await http.GetAsync(entity);
        using var request = new HttpRequestMessage(HttpMethod.Get, entity) { Headers = { { "X-Sandbox-Fault", "status=429; retry-after=3" } } };
        var byHeader = await http.SendAsync(request);
        using var bad = new HttpRequestMessage(HttpMethod.Get, entity) { Headers = { { "X-Sandbox-Fault", "explode" } } };
        var badHeader = await http.SendAsync(bad);
        var unknownRegistry = await http.PostAsync(new Uri("_sandbox/faults", UriKind.Relative), new StringContent("""{"registry":"nasa"}""", System.Text.Encoding.UTF8, "application/json"));
        var journal = await http.GetFromJsonAsync<JsonArray>(new Uri("_sandbox/requests", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), first.Headers.RetryAfter!.Delta);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, byHeader.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), byHeader.Headers.RetryAfter!.Delta);
        Assert.Equal(HttpStatusCode.BadRequest, badHeader.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknownRegistry.StatusCode);
        Assert.Empty(sandbox.Faults.Active);
        Assert.Equal(4, journal!.Count);
    }

    [Fact]
    public async Task Suppliers_are_listed_for_newcomers()
    {
        await using var sandbox = await SandboxHost.StartAsync();
        using var http = new HttpClient { BaseAddress = sandbox.BaseAddress };

        var suppliers = await http.GetFromJsonAsync<JsonArray>(new Uri("_sandbox/suppliers", UriKind.Relative));

        Assert.Equal(
            ["clean", "bankrupt", "dissolving", "deleted", "removed", "unknown", "lapsed-lei", "negative-equity", "sanctioned", "sanctioned-person", "excluded", "sam-inactive", "ukrainian"],
            suppliers!.Select(s => s!["key"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_host_with_UseSandbox_starts_it_and_points_the_clients_at_it()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [SandboxHostingExtensions.UseSandboxKey] = "true" });
        var sandbox = await builder.AddRegistrySandboxWhenEnabledAsync();
        builder.Services.AddLogging();
        builder.Services.AddProcurementFlowsRegistries(builder.Configuration);
        using var host = builder.Build();
        await host.StartAsync();

        var handler = host.Services.GetServices<IServiceTaskHandler>().Single(h => h.Topic == CompanyLookupHandler.TopicName);
        var supplier = RegistryTestHost.SampleSupplier(sandbox!.Data, "bankrupt")["supplier"]!.DeepClone();
        var result = await handler.ExecuteAsync(new ServiceTaskContext("j", "i", "a", CompanyLookupHandler.TopicName, new Dictionary<string, JsonNode?> { ["supplier"] = supplier }, 1), CancellationToken.None);
        await host.StopAsync();

        var completed = Assert.IsType<ServiceTaskResult.Completed>(result);
        Assert.Equal("hit", completed.Variables["companyLookup"]!["status"]!.GetValue<string>());
        Assert.NotEmpty(sandbox.Requests.For(SandboxRegistries.Brreg));
        using var probe = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => probe.GetAsync(new Uri(sandbox.BaseAddress, "healthz")));
    }

    [Fact]
    public async Task A_host_without_UseSandbox_starts_none()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());

        Assert.Null(await builder.AddRegistrySandboxWhenEnabledAsync());
    }
}
