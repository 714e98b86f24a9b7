using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using ProcurementFlows.RegistrySandbox;
using ProcurementFlows.Server;
using ProcurementFlows.Testing;

namespace ProcurementFlows.Browser.Tests.Infrastructure;

/// <summary>
/// The real server on a loopback Kestrel port, in the Development environment (sample accounts), with its own database
/// in the test process's private PostgreSQL cluster (<see cref="TestPostgres"/>: never shared with another test process,
/// so runs side by side cannot stop each other's cluster), the shipped workflows deployed at start-up, the offline
/// registry sandbox behind the vetting service tasks, and the workbench built into its output.
/// </summary>
public sealed class WorkbenchServer : WebApplicationFactory<ServerAssembly>, IAsyncLifetime
{
    /// <summary>The sample accounts' passwords (appsettings.Development.json of the server).</summary>
    public static readonly IReadOnlyDictionary<string, string> Passwords = new Dictionary<string, string>
    {
        ["dana"] = "dana-designs",
        ["rita"] = "rita-requests",
        ["olav"] = "olav-buys",
        ["ingrid"] = "ingrid-vets",
        ["bjorn"] = "bjorn-approves",
        ["siri"] = "siri-supervises",
    };

    private string? connectionString;

    /// <summary>Creates the factory; the server listens on a free loopback port.</summary>
    public WorkbenchServer() => UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, 0));

    /// <summary>Where the server listens.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    private SandboxHost? sandbox;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        // The registry sandbox runs beside the server (its own loopback port), so the shipped vetting service tasks call it.
        sandbox = await SandboxHost.StartAsync();
        connectionString = await TestPostgres.CreateDatabaseAsync("browser");
        StartServer();
        using var client = CreateClient();
        BaseAddress = client.BaseAddress!;
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (sandbox is not null)
        {
            await sandbox.DisposeAsync();
        }
    }

    /// <inheritdoc />
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Server:PrintStartupBanner", "false");
        builder.UseSetting("ProcurementFlows:Runtime:ConnectionString", connectionString);
        builder.UseSetting("ProcurementFlows:Runtime:WorkflowsDirectory", Path.Combine(Repository.Root, "workflows"));
        builder.UseSetting("ProcurementFlows:Runtime:SweepInterval", "00:00:01");
        // The server's own embedded sandbox would be a second web host inside WebApplicationFactory's start-up (which
        // it would take for the server); the fixture starts one beforehand and points the registry clients at it.
        builder.UseSetting("Registries:UseSandbox", "false");
        foreach (var (key, value) in sandbox!.RegistriesConfiguration())
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>An API client with a bearer token of the named sample user, for test set-up.</summary>
    public async Task<HttpClient> ApiAsync(string userName)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        using var response = await client.PostAsJsonAsync("/api/auth/token", new { userName, password = Passwords[userName] });
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.RootElement.GetProperty("access_token").GetString());
        return client;
    }

    /// <summary>Deploys files from the test project's Diagrams folder (as the designer dana).</summary>
    public async Task DeployAsync(params string[] files)
    {
        using var api = await ApiAsync("dana");
        using var content = new MultipartFormDataContent();
        foreach (var file in files)
        {
            var part = new ByteArrayContent(await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "Diagrams", file)));
            part.Headers.ContentType = new MediaTypeHeaderValue(file.EndsWith(".form", StringComparison.Ordinal) ? "application/json" : "application/xml");
            content.Add(part, "files", file);
        }

        using var response = await api.PostAsync("/api/definitions", content);
        Assert.True(response.IsSuccessStatusCode, $"Deploy failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Starts a case as the named user; returns the instance id.</summary>
    public async Task<string> StartAsync(string userName, string processKey, string businessKey, JsonObject? variables = null)
    {
        using var api = await ApiAsync(userName);
        using var response = await api.PostAsJsonAsync("/api/instances", new { processKey, businessKey, variables = variables ?? [] });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"Start failed: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!["instanceId"]!.GetValue<string>();
    }
}

/// <summary>A unique business key with a readable prefix, so parallel and repeated runs never collide.</summary>
public static class BusinessKeys
{
    /// <summary>PREFIX-xxxxxxxx.</summary>
    public static string New(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];
}

/// <summary>One server and one browser for all the workbench scenarios (starting them is the slow part).</summary>
[CollectionDefinition(Name)]
public sealed class WorkbenchCollection : ICollectionFixture<WorkbenchServer>, ICollectionFixture<BrowserFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "workbench";
}
