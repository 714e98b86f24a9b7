using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using ProcurementFlows.Server;

namespace ProcurementFlows.Camunda.Tests.Infrastructure;

/// <summary>
/// The real server on a loopback port (Kestrel, so that Node can connect), in Development (sample accounts), with its
/// own database in a private PostgreSQL cluster, and one extra account <c>erp</c> in the external-task worker group.
/// </summary>
public sealed class CamundaServer : WebApplicationFactory<ServerAssembly>, IAsyncLifetime
{
    private string? connectionString;

    /// <summary>Passwords of the accounts the tests use.</summary>
    public static readonly IReadOnlyDictionary<string, string> Passwords = new Dictionary<string, string>
    {
        ["dana"] = "dana-designs",
        ["olav"] = "olav-buys",
        ["rita"] = "rita-requests",
        ["siri"] = "siri-supervises",
        ["admin"] = "admin-operates",
        ["erp"] = "erp-works-external-tasks",
    };

    /// <summary>The server's base address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The Camunda REST root, <c>{BaseAddress}engine-rest</c>.</summary>
    public string EngineRest => new Uri(BaseAddress, "/engine-rest").ToString();

    public async Task InitializeAsync()
    {
        connectionString = await TestPostgres.CreateDatabaseAsync("camunda");
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.First());
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        var settings = new Dictionary<string, string?>
        {
            ["Server:PrintStartupBanner"] = "false",
            ["ProcurementFlows:Runtime:ConnectionString"] = connectionString,
            ["ProcurementFlows:Runtime:WorkflowsDirectory"] = "",
            ["ProcurementFlows:Runtime:WorkerCount"] = "2",
            ["Registries:UseSandbox"] = "false",
            ["Registries:SamGov:ApiKey"] = "test-key",
            ["Identity:Local:Accounts:8:UserName"] = "erp",
            ["Identity:Local:Accounts:8:DisplayName"] = "ERP integration",
            ["Identity:Local:Accounts:8:Password"] = Passwords["erp"],
            ["Identity:Local:Accounts:8:Groups:0"] = "external-task-workers",
        };
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>A client against the real port with HTTP Basic credentials of <paramref name="user"/> (none when null).</summary>
    public HttpClient Client(string? user)
    {
        var client = new HttpClient { BaseAddress = new Uri(EngineRest + "/"), Timeout = TimeSpan.FromSeconds(60) };
        if (user is not null)
        {
            client.DefaultRequestHeaders.Authorization = Basic(user, Passwords[user]);
        }

        return client;
    }

    /// <summary>A client of our own API (<c>/api</c>, bearer token) signed in as <paramref name="user"/>.</summary>
    public async Task<HttpClient> ApiClient(string user)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        using var body = new StringContent(System.Text.Json.JsonSerializer.Serialize(new { userName = user, password = Passwords[user] }), Encoding.UTF8, "application/json");
        using var token = await client.PostAsync("/api/auth/token", body);
        var accessToken = (string?)(await Http.Json(token))!["access_token"];
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    public static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
}

/// <summary>All tests share one server (start-up is the expensive part).</summary>
[CollectionDefinition(Name)]
public sealed class CamundaCollection : ICollectionFixture<CamundaServer>
{
    public const string Name = "camunda";
}
