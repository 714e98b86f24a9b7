using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;
using ProcurementFlows.Server.Tests.Infrastructure;

namespace ProcurementFlows.Server.Tests;

public sealed class StartupValidationTests
{
    private static WebApplicationFactory<ServerAssembly> Production(params (string Key, string? Value)[] settings) =>
        new WebApplicationFactory<ServerAssembly>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Production");
            b.UseSetting("Server:PrintStartupBanner", "false");
            b.UseSetting("Registries:SamGov:ApiKey", "test-key");
            foreach (var (key, value) in settings)
            {
                b.UseSetting(key, value);
            }
        });

    /// <summary>
    /// Runs the server's real entry point (Program.cs) in Production with <paramref name="settings"/> as command-line
    /// configuration and returns the options error that stopped it. Not through WebApplicationFactory: when the app's start
    /// fails, the factory races the failing entry point, which disposes the host first (an ObjectDisposedException instead
    /// of the cause, whenever the entry point wins). Here the cause comes out of Main itself, every time.
    /// </summary>
    private static async Task<OptionsValidationException> StartFailure(params (string Key, string? Value)[] settings)
    {
        string[] args =
        [
            "--environment=Production",
            $"--contentRoot={AppContext.BaseDirectory}",
            "--urls=http://127.0.0.1:0",
            "--Server:PrintStartupBanner=false",
            "--Registries:SamGov:ApiKey=test-key",
            .. settings.Select(s => $"--{s.Key}={s.Value}"),
        ];
        var main = typeof(ServerAssembly).Assembly.EntryPoint!;
        var run = Task.Run(() => main.Invoke(null, BindingFlags.DoNotWrapExceptions, null, [args], null));
        // A refused start returns at once; one that is not refused never returns (the server runs), which fails the test.
        return await Assert.ThrowsAsync<OptionsValidationException>(() => run.WaitAsync(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task Production_without_a_signing_key_refuses_to_start()
    {
        var error = await StartFailure();
        Assert.Contains("SigningKey is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_refuses_plain_text_passwords_and_unknown_roles()
    {
        var error = await StartFailure(
            ("Identity:Local:SigningKey", Convert.ToBase64String(new byte[32])),
            ("Identity:Local:Accounts:0:UserName", "eve"),
            ("Identity:Local:Accounts:0:Password", "plain"),
            ("Identity:Local:Accounts:0:Roles:0", "root"));
        Assert.Contains("accepted only in Development", error.Message, StringComparison.Ordinal);
        Assert.Contains("unknown role 'root'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Oidc_mode_requires_an_authority()
    {
        var error = await StartFailure(("Identity:Mode", "Oidc"));
        Assert.Contains("Authority", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sample_users_do_not_exist_outside_development_but_configured_hashed_accounts_do()
    {
        var hash = Identity.LocalAccountStore.HashPassword("s3cret-pass");
        using var factory = Production(
            ("ProcurementFlows:Runtime:ConnectionString", await TestPostgres.CreateDatabaseAsync("server")),
            ("ProcurementFlows:Runtime:WorkflowsDirectory", ""),
            ("Registries:SamGov:ApiKey", "test-key"),
            ("Identity:Local:SigningKey", Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray())),
            ("Identity:Local:Accounts:0:UserName", "ops"),
            ("Identity:Local:Accounts:0:PasswordHash", hash),
            ("Identity:Local:Accounts:0:Roles:0", "admin"));
        using var client = factory.CreateClient();

        using var sample = await client.PostAsJsonAsync("/api/auth/token", new { userName = "dana", password = ServerFactory.Passwords["dana"] });
        Assert.Equal(HttpStatusCode.Unauthorized, sample.StatusCode);
        using var configured = await client.PostAsJsonAsync("/api/auth/token", new { userName = "ops", password = "s3cret-pass" });
        Assert.Equal(HttpStatusCode.OK, configured.StatusCode);
    }

    [Theory]
    [InlineData("Ocds:OcidPrefix", "OCDS-ABC", "OcidPrefix 'OCDS-ABC' is not an ocid prefix")]
    [InlineData("Ocds:PackageBaseUri", "ocds/packages/", "PackageBaseUri must be absolute")]
    [InlineData("Ocds:Publisher:Scheme", "", "Publisher and Buyer need a name, a scheme and an id")]
    public async Task Invalid_ocds_options_refuse_to_start_with_a_clear_message(string key, string value, string message)
    {
        var error = await StartFailure(("Identity:Local:SigningKey", Convert.ToBase64String(new byte[32])), (key, value));
        Assert.Contains("Ocds: " + message, error.Message, StringComparison.Ordinal);
    }
}
