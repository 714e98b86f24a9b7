using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ProcurementFlows.Server.Identity;
using ProcurementFlows.Server.Tests.Infrastructure;

namespace ProcurementFlows.Server.Tests;

/// <summary>
/// The server with its sign-in throttle on a clock the test moves. The throttle counts failures over a minute: on the
/// real clock, 21 password checks on a loaded machine could take longer than that, and the first failure would leave the
/// window before the last attempt.
/// </summary>
public sealed class IdentityServerFactory : ServerFactory
{
    /// <summary>The sign-in throttle's clock (it stands still unless a test advances it).</summary>
    public FakeTimeProvider ThrottleClock { get; } = new(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton(sp => new SignInThrottle(sp.GetRequiredService<IOptions<IdentityOptions>>(), ThrottleClock)));
    }
}

public sealed class IdentityTests(IdentityServerFactory server) : IClassFixture<IdentityServerFactory>
{
    [Fact]
    public async Task Token_endpoint_issues_a_bearer_token_that_carries_roles_and_groups()
    {
        using var client = await server.ClientFor("olav");
        var me = await client.GetFromJsonAsync<JsonElement>("/api/auth/me");
        Assert.Equal("olav", me.GetProperty("userName").GetString());
        Assert.Equal(["officer"], me.GetProperty("roles").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("procurement-officers", me.GetProperty("groups").EnumerateArray().Select(e => e.GetString()));
    }

    [Theory]
    [InlineData("olav", "wrong")]
    [InlineData("nobody", "olav-buys")]
    [InlineData("OLAV", "OLAV-BUYS")]
    public async Task Wrong_credentials_get_401_problem(string userName, string password)
    {
        using var client = server.Anonymous();
        using var response = await client.PostAsJsonAsync("/api/auth/token", new { userName, password });
        var problem = await Problems.AssertProblem(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Sign-in failed", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Missing_fields_get_400_with_field_errors()
    {
        using var client = server.Anonymous();
        using var response = await client.PostAsJsonAsync("/api/auth/token", new { userName = "olav", password = "" });
        var problem = await Problems.AssertProblem(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("password", out _));
    }

    [Fact]
    public async Task Malformed_json_gets_400_problem()
    {
        using var client = server.Anonymous();
        using var content = new StringContent("{\"userName\": ", System.Text.Encoding.UTF8, "application/json");
        using var response = await client.PostAsync("/api/auth/token", content);
        await Problems.AssertProblem(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Api_without_credentials_gets_401_not_a_redirect()
    {
        using var client = server.Anonymous();
        using var response = await client.GetAsync("/api/auth/me");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forged_token_gets_401()
    {
        using var client = server.Anonymous();
        // A token signed with another key: header.payload.signature with a made-up signature.
        const string forged = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhZG1pbiIsIm5hbWUiOiJhZG1pbiIsInJvbGUiOiJhZG1pbiJ9.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmUtc2ln";
        client.DefaultRequestHeaders.Authorization = new("Bearer", forged);
        using var response = await client.GetAsync("/api/auth/me");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Browser_pages_redirect_to_the_sign_in_page()
    {
        using var client = server.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/scalar");
        request.Headers.Accept.ParseAdd("text/html");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/signin", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_in_page_sets_a_cookie_that_authenticates_the_api()
    {
        using var client = server.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        var page = await client.GetStringAsync("/account/signin?returnUrl=/scalar");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"(__RequestVerificationToken[^\"]*)\" value=\"([^\"]+)\"");
        Assert.True(token.Success, page);

        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [token.Groups[1].Value] = token.Groups[2].Value,
            ["userName"] = "dana",
            ["password"] = "dana-designs",
            ["returnUrl"] = "/scalar",
        });
        using var signedIn = await client.PostAsync("/account/signin", form);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/scalar", signedIn.Headers.Location!.OriginalString);

        var me = await client.GetFromJsonAsync<JsonElement>("/api/auth/me");
        Assert.Equal("dana", me.GetProperty("userName").GetString());
    }

    [Fact]
    public async Task Sign_in_with_a_wrong_password_shows_the_page_again_with_an_error()
    {
        using var client = server.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        var page = await client.GetStringAsync("/account/signin");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"(__RequestVerificationToken[^\"]*)\" value=\"([^\"]+)\"");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [token.Groups[1].Value] = token.Groups[2].Value,
            ["userName"] = "per",
            ["password"] = "<script>alert(1)</script>",
        });
        using var response = await client.PostAsync("/account/signin", form);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("wrong password", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_in_without_the_antiforgery_token_is_refused()
    {
        using var client = server.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["userName"] = "dana", ["password"] = "dana-designs" });
        using var response = await client.PostAsync("/account/signin", form);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("/cases", true)]
    [InlineData("/", true)]
    [InlineData("//evil.example", false)]
    [InlineData("/\\evil.example", false)]
    [InlineData("https://evil.example", false)]
    [InlineData("", false)]
    public void Only_local_return_urls_are_followed(string url, bool local) =>
        Assert.Equal(local, IdentityEndpoints.IsLocalUrl(url));

    [Fact]
    public async Task Repeated_failures_are_throttled_with_429()
    {
        using var client = server.Anonymous();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 21; i++)
        {
            last?.Dispose();
            last = await client.PostAsJsonAsync("/api/auth/token", new { userName = "throttled-user", password = "guess" + i });
        }

        await Problems.AssertProblem(last!, HttpStatusCode.TooManyRequests);
        last!.Dispose();

        // A minute later the failures have left the window: the next wrong password is a plain 401 again.
        server.ThrottleClock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        using var later = await client.PostAsJsonAsync("/api/auth/token", new { userName = "throttled-user", password = "guess-later" });
        await Problems.AssertProblem(later, HttpStatusCode.Unauthorized);
    }
}
