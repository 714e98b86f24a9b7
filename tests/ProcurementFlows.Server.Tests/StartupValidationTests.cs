using System.Net;
using System.Net.Http.Json;
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
    /// Starts the server with <paramref name="settings"/> and returns the options error that stopped it. When the app's
    /// start fails, WebApplicationFactory can lose a race with the failing entry point, which disposes the host first
    /// (<see cref="ObjectDisposedException"/> instead of the cause); a fresh factory is tried again then, up to three times.
    /// </summary>
    private static OptionsValidationException StartFailure(params (string Key, string? Value)[] settings)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var factory = Production(settings);
            try
            {
                factory.CreateClient().Dispose();
            }
            catch (OptionsValidationException error)
            {
                return error;
            }
            catch (ObjectDisposedException) when (attempt < 3)
            {
                continue;
            }

            Assert.Fail("The server started although its configuration is invalid.");
        }
    }

    [Fact]
    public void Production_without_a_signing_key_refuses_to_start()
    {
        var error = StartFailure();
        Assert.Contains("SigningKey is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Production_refuses_plain_text_passwords_and_unknown_roles()
    {
        var error = StartFailure(
            ("Identity:Local:SigningKey", Convert.ToBase64String(new byte[32])),
            ("Identity:Local:Accounts:0:UserName", "eve"),
            ("Identity:Local:Accounts:0:Password", "plain"),
            ("Identity:Local:Accounts:0:Roles:0", "root"));
        Assert.Contains("accepted only in Development", error.Message, StringComparison.Ordinal);
        Assert.Contains("unknown role 'root'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Oidc_mode_requires_an_authority()
    {
        var error = StartFailure(("Identity:Mode", "Oidc"));
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
    public void Invalid_ocds_options_refuse_to_start_with_a_clear_message(string key, string value, string message)
    {
        var error = StartFailure(("Identity:Local:SigningKey", Convert.ToBase64String(new byte[32])), (key, value));
        Assert.Contains("Ocds: " + message, error.Message, StringComparison.Ordinal);
    }
}
