using System.Net;
using System.Text.Json;
using ProcurementFlows.Server.Tests.Infrastructure;

namespace ProcurementFlows.Server.Tests;

/// <summary><c>GET /api/users</c> over the Development sample accounts.</summary>
public sealed class UserDirectoryTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    private static string[] Ids(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("id").GetString()!)];

    [Fact]
    public async Task Officers_list_users_by_group_with_display_names_and_groups_in_id_order()
    {
        using var olav = await server.ClientFor("olav");

        var page = await Rest.Get(olav, "/api/users?group=procurement-officers");

        Assert.Equal(["olav", "siri"], Ids(page));
        Assert.Equal(2, page.GetProperty("total").GetInt64());
        var siri = page.GetProperty("items")[1];
        Assert.Equal("Siri Supervisor", siri.GetProperty("displayName").GetString());
        Assert.Contains("approval-authority", siri.GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        Assert.Contains("supervisor", siri.GetProperty("roles").EnumerateArray().Select(g => g.GetString()));
        Assert.DoesNotContain("password", siri.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Q_matches_id_or_display_name_case_insensitively_and_filters_combine()
    {
        using var siri = await server.ClientFor("siri");

        Assert.Equal(["bjorn"], Ids(await Rest.Get(siri, $"/api/users?q={Uri.EscapeDataString("BJØRN")}")));
        Assert.Equal(["ingrid", "olav"], Ids(await Rest.Get(siri, "/api/users?q=OFFICER"))); // display names "... Officer"
        Assert.Equal(["olav", "rita"], Ids(await Rest.Get(siri, "/api/users?group=evaluators&role=OFFICER")));
        Assert.Empty(Ids(await Rest.Get(siri, "/api/users?group=evaluators&q=siri")));
        Assert.Empty(Ids(await Rest.Get(siri, "/api/users?group=Evaluators"))); // groups match exactly, as candidate groups do
        var paged = await Rest.Get(siri, "/api/users?role=officer&offset=1&limit=2");
        Assert.Equal(["ingrid", "olav"], Ids(paged));
        Assert.Equal(6, paged.GetProperty("total").GetInt64());
    }

    [Theory]
    [InlineData("role=wizard", "role")]
    [InlineData("limit=0", "limit")]
    public async Task Bad_filters_get_400_naming_the_parameter(string query, string parameter)
    {
        using var olav = await server.ClientFor("olav");
        using var response = await olav.GetAsync("/api/users?" + query);
        var problem = await Problems.AssertProblem(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out _), problem.ToString());
    }

    [Fact]
    public async Task Too_long_q_gets_400_designers_get_403_and_anonymous_callers_401()
    {
        using var olav = await server.ClientFor("olav");
        using (var tooLong = await olav.GetAsync($"/api/users?q={new string('x', 201)}"))
        {
            await Problems.AssertProblem(tooLong, HttpStatusCode.BadRequest);
        }

        using var dana = await server.ClientFor("dana");
        using (var designer = await dana.GetAsync("/api/users"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, designer.StatusCode);
        }

        using var anonymous = server.Anonymous();
        using var unauthorised = await anonymous.GetAsync("/api/users");
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorised.StatusCode);
    }
}
