using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using ProcurementFlows.Runtime;
using ProcurementFlows.Server.Identity;

namespace ProcurementFlows.Server.Camunda;

/// <summary>Shared pieces of the <c>/engine-rest</c> endpoints: roles, paging, ids and the common DTO mappings.</summary>
internal static class EngineRestSupport
{
    /// <summary>Most rows one query returns (Camunda has no limit; we keep responses bounded).</summary>
    public const int MaxResults = 1000;

    public static CurrentUser RequireRole(HttpContext context, string what, params string[] roles)
    {
        var user = context.GetCurrentUser();
        return roles.Any(user.IsInRole)
            ? user
            : throw EngineRestException.Forbidden($"The user with id '{user.UserName}' may not {what}: it needs one of the roles {string.Join(", ", roles)}.");
    }

    public static CurrentUser RequireDesigner(HttpContext context, string what) => RequireRole(context, what, Roles.Designer, Roles.Admin);

    public static CurrentUser RequireOfficer(HttpContext context, string what) => RequireRole(context, what, Roles.Officer, Roles.Supervisor, Roles.Admin);

    public static CurrentUser RequireSupervisor(HttpContext context, string what) => RequireRole(context, what, Roles.Supervisor, Roles.Admin);

    /// <summary>External-task work: admins, and members of <see cref="EngineRestOptions.ExternalTaskWorkerGroup"/>.</summary>
    public static CurrentUser RequireWorker(HttpContext context)
    {
        var user = context.GetCurrentUser();
        var group = context.RequestServices.GetRequiredService<IOptions<EngineRestOptions>>().Value.ExternalTaskWorkerGroup;
        return user.IsInRole(Roles.Admin) || user.Groups.Contains(group, StringComparer.Ordinal)
            ? user
            : throw EngineRestException.Forbidden($"The user with id '{user.UserName}' may not work external tasks: it must be an admin or a member of group '{group}'.");
    }

    /// <summary>Camunda's firstResult/maxResults: absent = from the start, up to <see cref="MaxResults"/>.</summary>
    public static (int Offset, int Limit) Paging(HttpRequest request)
    {
        var first = Int(request, "firstResult") ?? 0;
        var max = Int(request, "maxResults") ?? MaxResults;
        if (first < 0)
        {
            throw EngineRestException.InvalidRequest("firstResult must not be negative.");
        }

        if (max < 0)
        {
            throw EngineRestException.InvalidRequest("maxResults must not be negative.");
        }

        return (first, Math.Min(max, MaxResults));
    }

    public static int? Int(HttpRequest request, string name)
    {
        var text = request.Query[name].ToString();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw EngineRestException.InvalidRequest($"Cannot set query parameter '{name}' to value '{text}': it is not an integer.");
    }

    public static long? Long(HttpRequest request, string name)
    {
        var text = request.Query[name].ToString();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw EngineRestException.InvalidRequest($"Cannot set query parameter '{name}' to value '{text}': it is not an integer.");
    }

    public static bool? Bool(HttpRequest request, string name)
    {
        var text = request.Query[name].ToString();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return bool.TryParse(text, out var value)
            ? value
            : throw EngineRestException.InvalidRequest($"Cannot set query parameter '{name}' to value '{text}': it is not a boolean.");
    }

    public static DateTimeOffset? Date(HttpRequest request, string name)
    {
        var text = request.Query[name].ToString();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return CamundaJson.TryParseDate(text, out var value)
            ? value
            : throw EngineRestException.InvalidRequest($"Cannot set query parameter '{name}' to value '{text}': it is not a date (yyyy-MM-dd'T'HH:mm:ss.SSSZ).");
    }

    /// <summary>
    /// Camunda's POST variant of a query: the JSON body's properties become the query parameters (as the GET variant
    /// reads them; arrays comma-joined, <c>sorting</c> to <c>sortBy</c>/<c>sortOrder</c>), while <c>firstResult</c> and
    /// <c>maxResults</c> stay in the URL. A property the query does not know is a 400, never a silently ignored filter.
    /// </summary>
    public static async Task UseBodyAsQueryAsync(HttpContext context, IReadOnlySet<string> known, CancellationToken cancellationToken)
    {
        var body = await CamundaJson.ReadBodyAsync<Dictionary<string, JsonElement>?>(context.Request, null, cancellationToken);
        var query = new Dictionary<string, StringValues>(StringComparer.Ordinal);
        foreach (var name in new[] { "firstResult", "maxResults" })
        {
            if (context.Request.Query.TryGetValue(name, out var value))
            {
                query[name] = value;
            }
        }

        foreach (var (name, value) in body ?? [])
        {
            if (value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (name == "sorting")
            {
                var sorting = value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().ToList() : throw EngineRestException.InvalidRequest("sorting must be an array of {sortBy, sortOrder}.");
                if (sorting.Count > 1)
                {
                    throw EngineRestException.InvalidRequest("Only one sorting criterion is supported here.");
                }

                foreach (var criterion in sorting)
                {
                    query["sortBy"] = criterion.TryGetProperty("sortBy", out var by) && by.ValueKind == JsonValueKind.String ? by.GetString() : null;
                    query["sortOrder"] = criterion.TryGetProperty("sortOrder", out var order) && order.ValueKind == JsonValueKind.String ? order.GetString() : null;
                }

                continue;
            }

            if (!known.Contains(name))
            {
                throw EngineRestException.InvalidRequest($"Unknown query property '{name}' (supported: {string.Join(", ", known.Order(StringComparer.Ordinal))}, sorting).");
            }

            query[name] = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                JsonValueKind.Number => value.GetRawText(),
                JsonValueKind.Array when value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) => string.Join(',', value.EnumerateArray().Select(e => e.GetString())),
                _ => throw EngineRestException.InvalidRequest($"Cannot set query property '{name}' to {value.GetRawText()}."),
            };
        }

        context.Request.Query = new QueryCollection(query);
    }

    public static string? Text(HttpRequest request, string name) => request.Query[name].ToString() is { Length: > 0 } text ? text : null;

    /// <summary>Camunda definition ids are <c>key:version:deploymentId</c> (process ids are NCNames, so they hold no colon).</summary>
    public static string DefinitionId(string key, int version, Guid deploymentId) =>
        FormattableString.Invariant($"{key}:{version}:{deploymentId}");

    public static (string Key, int Version) ParseDefinitionId(string id)
    {
        var parts = id.Split(':');
        return parts.Length == 3 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var version) && parts[0].Length > 0
            ? (parts[0], version)
            : throw EngineRestException.NotFound($"No matching definition with id {id}");
    }

    public static ProcessDefinitionDto ToDto(DefinitionDetail d) => new(
        DefinitionId(d.Key, d.Version, d.DeploymentId),
        d.Key,
        "http://bpmn.io/schema/bpmn",
        null,
        d.Name,
        d.Version,
        d.ResourceName,
        d.DeploymentId.ToString(),
        null,
        false,
        null,
        null,
        null,
        true);

    /// <summary>Looks up definition ids for (key, version) pairs once per request.</summary>
    public sealed class DefinitionIds(IDeploymentService deployments)
    {
        private readonly Dictionary<(string, int), string> cache = [];

        public async Task<string> GetAsync(string key, int version, CancellationToken cancellationToken)
        {
            if (!cache.TryGetValue((key, version), out var id))
            {
                var definition = await deployments.GetDefinitionAsync(key, version, cancellationToken);
                id = definition is null ? FormattableString.Invariant($"{key}:{version}:") : DefinitionId(key, version, definition.DeploymentId);
                cache[(key, version)] = id;
            }

            return id;
        }
    }

    public static string Href(HttpRequest request, string path) =>
        $"{request.Scheme}://{request.Host}{request.PathBase}{EngineRestExtensions.Prefix}{path}";

    public static UserContext ToUserContext(this CurrentUser user) => new(user.UserName, user.Groups);

    /// <summary>
    /// A JSON response with Content-Type exactly <c>application/json</c>, as Camunda sends it: Camunda's own clients
    /// (e.g. camunda-external-task-client-js) compare the header verbatim and treat anything else as raw bytes.
    /// </summary>
    public static IResult Json(object value, int status = StatusCodes.Status200OK) => Results.Json(value, CamundaJson.Options, CamundaJson.ContentType, status);
}
