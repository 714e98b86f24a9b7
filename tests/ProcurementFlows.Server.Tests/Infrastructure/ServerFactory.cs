using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ProcurementFlows.Server.Tests.Infrastructure;

/// <summary>
/// The server in-process, in the Development environment (so the sample accounts of appsettings.Development.json exist).
/// </summary>
public class ServerFactory : WebApplicationFactory<ServerAssembly>, IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, string> tokens = new();
    private string? connectionString;

    /// <summary>The sample accounts' passwords (appsettings.Development.json).</summary>
    public static readonly IReadOnlyDictionary<string, string> Passwords = new Dictionary<string, string>
    {
        ["dana"] = "dana-designs",
        ["rita"] = "rita-requests",
        ["bjorn"] = "bjorn-approves",
        ["olav"] = "olav-buys",
        ["ingrid"] = "ingrid-vets",
        ["per"] = "per-receives",
        ["siri"] = "siri-supervises",
        ["admin"] = "admin-operates",
    };

    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Server:PrintStartupBanner", "false"),
        new("ProcurementFlows:Runtime:ConnectionString", connectionString),
        // Tests deploy what they need; the shipped workflows are deployed by the black-box test.
        new("ProcurementFlows:Runtime:WorkflowsDirectory", ""),
        new("ProcurementFlows:Runtime:WorkerCount", "2"),
        // The embedded sandbox is a second web host in the process, which WebApplicationFactory would take for the server;
        // the black-box test runs the real process with the sandbox.
        new("Registries:UseSandbox", "false"),
        new("Registries:SamGov:ApiKey", "test-key"),
        new("ProcurementFlows:Runtime:SweepInterval", "00:00:01"),
        new("ProcurementFlows:Runtime:SweepGrace", "00:00:00"),
    ];

    public virtual async Task InitializeAsync()
    {
        connectionString = await TestPostgres.CreateDatabaseAsync("server");
        _ = Server; // start the host (migrations, Hangfire) once, before the tests of the class run
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>A client that sends no credentials and follows no redirects.</summary>
    public HttpClient Anonymous() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>A client with a bearer token of the named sample user (tokens are cached per user).</summary>
    public async Task<HttpClient> ClientFor(string userName)
    {
        var token = tokens.TryGetValue(userName, out var cached) ? cached : await IssueToken(userName);
        tokens[userName] = token;
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task<string> IssueToken(string userName)
    {
        using var client = Anonymous();
        using var response = await client.PostAsJsonAsync("/api/auth/token", new { userName, password = Passwords[userName] });
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("access_token").GetString()!;
    }
}
