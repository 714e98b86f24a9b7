using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ProcurementFlows.Server.Tests.Infrastructure;

namespace ProcurementFlows.Server.Tests;

/// <summary>The server in OIDC mode against a loopback authority (discovery + JWKS over real HTTP, RSA-signed tokens).</summary>
public sealed class OidcServerFactory : ServerFactory
{
    public LoopbackAuthority Authority { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        .. base.Settings,
        new("Identity:Mode", "Oidc"),
        new("Identity:Oidc:Authority", Authority.Issuer),
        new("Identity:Oidc:Audience", "procurementflows-api"),
        new("Identity:Oidc:RequireHttpsMetadata", "false"),
    ];

    public override async Task InitializeAsync()
    {
        await Authority.StartAsync();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Authority.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    public HttpClient WithToken(string token)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}

public sealed class OidcTests(OidcServerFactory server) : IClassFixture<OidcServerFactory>
{
    private static string NewKey(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..24];

    [Fact]
    public async Task A_valid_token_signs_in_with_its_roles_and_groups()
    {
        using var client = server.WithToken(server.Authority.Token("oidc-olav", ["Officer"], ["procurement-officers", "evaluators"], displayName: "Olav from OIDC"));

        var me = await Rest.Get(client, "/api/auth/me");

        Assert.Equal("oidc-olav", me.GetProperty("userName").GetString());
        Assert.Equal("Olav from OIDC", me.GetProperty("displayName").GetString());
        Assert.Equal(["officer"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(["procurement-officers", "evaluators"], me.GetProperty("groups").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Roles_from_the_token_decide_what_the_user_may_do()
    {
        using var designer = server.WithToken(server.Authority.Token("oidc-dana", ["designer"], []));
        using var officer = server.WithToken(server.Authority.Token("oidc-per", ["officer"], ["contract-managers"]));

        using (var refused = Rest.Files(("x.bpmn", Diagrams.Approval(NewKey("x")))))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await officer.PostAsync("/api/definitions/validate", refused)).StatusCode);
        }

        using (var allowed = Rest.Files(("x.bpmn", Diagrams.Approval(NewKey("x")))))
        {
            Assert.Equal(HttpStatusCode.OK, (await designer.PostAsync("/api/definitions/validate", allowed)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await officer.GetAsync("/api/tasks")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await designer.GetAsync("/api/tasks")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.GetAsync("/api/supervision/workload")).StatusCode);
    }

    public static TheoryData<string, Func<LoopbackAuthority, string>> Invalid => new()
    {
        { "wrong issuer", a => a.Token("oidc-olav", ["officer"], [], issuer: "http://127.0.0.1:1/other") },
        { "wrong audience", a => a.Token("oidc-olav", ["officer"], [], audience: "another-api") },
        { "expired", a => a.Token("oidc-olav", ["officer"], [], expiresIn: TimeSpan.FromHours(-1)) },
        { "bad signature", a => a.Token("oidc-olav", ["officer"], [], wrongKey: true) },
        { "tampered payload", a => Tamper(a.Token("oidc-olav", ["officer"], [])) },
        { "not a JWT", _ => "not.a.token" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task An_invalid_token_gets_401(string why, Func<LoopbackAuthority, string> token)
    {
        using var client = server.WithToken(token(server.Authority));
        using var response = await client.GetAsync("/api/auth/me");
        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{why}: {(int)response.StatusCode}");
    }

    [Fact]
    public async Task Group_claims_enforce_candidate_groups_and_token_users_fill_the_directory()
    {
        using var designer = server.WithToken(server.Authority.Token("oidc-dana", ["designer"], []));
        var key = NewKey("oidc");
        await Rest.Deploy(designer, ($"{key}.bpmn", Diagrams.Approval(key)), ("request.form", Diagrams.RequestForm));
        using var member = server.WithToken(server.Authority.Token("oidc-olav", ["officer"], ["procurement-officers"]));
        using var outsider = server.WithToken(server.Authority.Token("oidc-ingrid", ["officer"], ["compliance-officers"], displayName: "Ingrid Compliance"));

        var started = await Rest.Json(await Rest.Post(member, "/api/instances", new { processKey = key }), HttpStatusCode.Created);
        var taskId = started.GetProperty("openTaskIds")[0].GetString();
        using (var refused = await Rest.Post(outsider, $"/api/tasks/{taskId}/claim"))
        {
            await Problems.AssertProblem(refused, HttpStatusCode.Forbidden);
        }

        var claimed = await Rest.Json(await Rest.Post(member, $"/api/tasks/{taskId}/claim"));
        Assert.Equal(started.GetProperty("instanceId").GetString(), claimed.GetProperty("instanceId").GetString());
        var task = await Rest.Get(member, $"/api/tasks/{taskId}");
        Assert.Equal("oidc-olav", task.GetProperty("task").GetProperty("assignee").GetString());

        // Users seen in valid tokens are listed for the pickers; local sample accounts are not.
        var officers = await Rest.Get(member, "/api/users?role=officer");
        var ids = officers.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("id").GetString()).ToList();
        Assert.Contains("oidc-olav", ids);
        Assert.Contains("oidc-ingrid", ids);
        Assert.DoesNotContain("olav", ids);
        var ingrid = Assert.Single(officers.GetProperty("items").EnumerateArray(), u => u.GetProperty("id").GetString() == "oidc-ingrid");
        Assert.Equal("Ingrid Compliance", ingrid.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task Local_sign_in_is_not_available_in_oidc_mode()
    {
        using var client = server.Anonymous();
        using var response = await Rest.Post(client, "/api/auth/token", new { userName = "olav", password = ServerFactory.Passwords["olav"] });
        var problem = await Problems.AssertProblem(response, HttpStatusCode.NotFound);
        Assert.Equal("Local sign-in is disabled", problem.GetProperty("title").GetString());
    }

    private static string Tamper(string token)
    {
        var parts = token.Split('.');
        var payload = JsonDocument.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(parts[1])).RootElement;
        var changed = payload.EnumerateObject().ToDictionary(p => p.Name, p => (object)p.Value);
        changed["roles"] = new[] { "admin" };
        parts[1] = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(JsonSerializer.Serialize(changed));
        return string.Join('.', parts);
    }
}
