using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ProcurementFlows.RegistrySandbox;
using ProcurementFlows.Runtime;
using ProcurementFlows.Server;

namespace ProcurementFlows.Workflows.Tests.Lifecycle;

/// <summary>
/// The real server in-process (Development, so the sample accounts exist) on its own PostgreSQL database with
/// Hangfire, the shipped workflows deployed at start-up, the registry sandbox on a loopback port, a fake clock, and
/// a few more officers so that every segregation-of-duties rule of a case can be met by different people.
/// </summary>
public sealed class LifecycleServer : WebApplicationFactory<ServerAssembly>, IAsyncLifetime
{
    /// <summary>Monday 2 March 2026, 08:00 UTC: in the real past, so Hangfire (real clock) runs service jobs at once.</summary>
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private static readonly (string User, string Password, string[] Roles, string[] Groups)[] ExtraOfficers =
    [
        ("eva", "eva-evaluates", ["officer"], ["evaluators", "signatories"]),
        ("emil", "emil-evaluates", ["officer"], ["evaluators"]),
        ("gunnar", "gunnar-inspects", ["officer"], ["gqa-representatives"]),
        ("anna", "anna-pays", ["officer"], ["accounts-payable"]),
    ];

    private static readonly Dictionary<string, string> SamplePasswords = new(StringComparer.Ordinal)
    {
        ["rita"] = "rita-requests",
        ["bjorn"] = "bjorn-approves",
        ["olav"] = "olav-buys",
        ["ingrid"] = "ingrid-vets",
        ["per"] = "per-receives",
        ["siri"] = "siri-supervises",
    };

    private readonly ConcurrentDictionary<string, string> _tokens = new(StringComparer.Ordinal);
    private string? _connectionString;

    /// <summary>The clock of the server (engine, runtime, tokens, OCDS dates).</summary>
    public FakeTimeProvider Clock { get; } = new(Start);

    /// <summary>The offline registries the vetting handlers call.</summary>
    public SandboxHost Sandbox { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Started before the server host is built, so WebApplicationFactory does not mistake it for the server.
        Sandbox = await SandboxHost.StartAsync();
        _connectionString = await TestPostgres.CreateDatabaseAsync("workflows");
        _ = Server;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Sandbox.DisposeAsync();
    }

    /// <summary>Fires the timers due on the fake clock, as the sweep would; returns how many fired.</summary>
    public Task<int> FireDueTimersAsync() => Services.GetRequiredService<IRuntimeMaintenance>().FireDueTimersAsync();

    /// <summary>A client with a bearer token of the named officer, obtained through <c>POST /api/auth/token</c>.</summary>
    public async Task<HttpClient> ClientFor(string userName)
    {
        if (!_tokens.TryGetValue(userName, out var token))
        {
            token = _tokens[userName] = await IssueToken(userName);
        }

        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Server:PrintStartupBanner"] = "false",
            ["ProcurementFlows:Runtime:ConnectionString"] = _connectionString,
            ["ProcurementFlows:Runtime:WorkflowsDirectory"] = RepositoryPaths.Workflows,
            ["ProcurementFlows:Runtime:WorkerCount"] = "4",
            // The test starts the sandbox itself (see InitializeAsync) and points the registries at it.
            ["Registries:UseSandbox"] = "false",
            // Tokens are issued on the fake clock but checked on the real one: let them outlive the gap.
            ["Identity:Local:TokenLifetime"] = "3650.00:00:00",
        };
        foreach (var (key, value) in Sandbox.RegistriesConfiguration())
        {
            settings[key] = value;
        }

        // The sample accounts occupy Identity:Local:Accounts:0..7 (appsettings.Development.json).
        for (var i = 0; i < ExtraOfficers.Length; i++)
        {
            var (user, password, roles, groups) = ExtraOfficers[i];
            var at = $"Identity:Local:Accounts:{8 + i}";
            settings[$"{at}:UserName"] = user;
            settings[$"{at}:DisplayName"] = user;
            settings[$"{at}:Password"] = password;
            for (var r = 0; r < roles.Length; r++)
            {
                settings[$"{at}:Roles:{r}"] = roles[r];
            }

            for (var g = 0; g < groups.Length; g++)
            {
                settings[$"{at}:Groups:{g}"] = groups[g];
            }
        }

        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    private async Task<string> IssueToken(string userName)
    {
        var password = SamplePasswords.TryGetValue(userName, out var sample) ? sample : ExtraOfficers.Single(o => o.User == userName).Password;
        using var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var response = await client.PostAsJsonAsync("/api/auth/token", new { userName, password });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"sign-in of {userName} failed with {(int)response.StatusCode}: {text}");
        using var body = JsonDocument.Parse(text);
        return body.RootElement.GetProperty("access_token").GetString()!;
    }
}
