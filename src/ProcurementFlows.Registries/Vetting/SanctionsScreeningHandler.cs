using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ProcurementFlows.Registries.Http;
using ProcurementFlows.Registries.OpenSanctions;
using ProcurementFlows.Runtime.ServiceTasks;

namespace ProcurementFlows.Registries.Vetting;

/// <summary>
/// <c>registry.sanctions-screening</c>: the supplier (as <c>Company</c> or <c>Person</c>) and any
/// <c>supplier.persons</c> are matched in one OpenSanctions batch. A result scoring at or above the threshold
/// that a compliance officer has not cleared (<c>sanctionsClearedIds</c>) is a hit needing compliance review.
/// Writes <c>sanctionsScreening</c>.
/// </summary>
internal sealed class SanctionsScreeningHandler(IServiceScopeFactory scopes, IOptions<RegistriesOptions> options, TimeProvider time, ILogger<SanctionsScreeningHandler> logger)
    : RegistryHandler(scopes, time, logger)
{
    public const string TopicName = "registry.sanctions-screening";

    /// <summary>yente accepts at most 50 <c>exclude_entity_ids</c>; further cleared ids are filtered here.</summary>
    private const int MaxExcludedIds = 50;

    public override string Topic => TopicName;

    public override string OutputVariable => "sanctionsScreening";

    protected override RegistryId Registry => RegistryId.OpenSanctions;

    protected override async Task<VettingFindings> CheckAsync(ServiceTaskContext context, IServiceProvider services, CancellationToken cancellationToken)
    {
        var api = services.GetRequiredService<IOpenSanctionsApi>();
        var settings = options.Value.OpenSanctions;
        var supplier = SupplierInput.From(context.Variables, Registry);
        var cleared = SupplierInput.ClearedIds(context.Variables, Registry);
        var queries = BuildQueries(supplier);

        var threshold = settings.Threshold;
        var reply = await RegistryCall.SendAsync(
            Registry,
            () => api.MatchAsync(
                settings.Dataset,
                new MatchRequest(queries),
                threshold.ToString("0.###", CultureInfo.InvariantCulture),
                settings.Limit,
                settings.EffectiveTopics,
                cleared.Count == 0 ? null : cleared.Take(MaxExcludedIds),
                settings.Algorithm,
                cancellationToken),
            cancellationToken);

        var responses = reply.Content!.Responses
            ?? throw new RegistryResponseException(Registry, $"OpenSanctions answered {reply.Request} without 'responses'.");
        var clearedSet = cleared.ToHashSet(StringComparer.Ordinal);
        var matches = new JsonArray();
        var nearMatches = new JsonArray();
        var reasons = new List<string>();
        foreach (var (key, query) in queries)
        {
            if (!responses.TryGetValue(key, out var response) || response.Results is null)
            {
                throw new RegistryResponseException(Registry, $"OpenSanctions answered {reply.Request} without results for query '{key}'.");
            }

            var screenedName = query.Properties["name"][0];
            foreach (var result in response.Results.Where(r => r.Id is null || !clearedSet.Contains(r.Id)))
            {
                var isMatch = result.Match || result.Score >= threshold;
                var json = ResultEvidence(key, screenedName, result);
                if (isMatch)
                {
                    matches.Add(json);
                    reasons.Add(
                        $"'{screenedName}' matches {result.Caption} ({result.Id}) with score {result.Score.ToString("0.00", CultureInfo.InvariantCulture)}"
                        + $"; topics {Join(Topics(result))}; datasets {Join(result.Datasets)}.");
                }
                else
                {
                    nearMatches.Add(json);
                }
            }
        }

        var evidence = new JsonObject
        {
            ["dataset"] = settings.Dataset,
            ["threshold"] = threshold,
            ["topics"] = new JsonArray([.. settings.EffectiveTopics.Select(t => (JsonNode?)t)]),
            ["screened"] = new JsonArray([.. queries.Select(q => (JsonNode?)new JsonObject { ["query"] = q.Key, ["schema"] = q.Value.Schema, ["name"] = q.Value.Properties["name"][0] })]),
            ["matches"] = matches,
            ["nearMatches"] = nearMatches,
            ["clearedIds"] = new JsonArray([.. cleared.Select(id => (JsonNode?)id)]),
        };

        return matches.Count > 0
            ? Findings(VettingStatus.Hit, $"{matches.Count} sanctions match(es) at or above {threshold.ToString("0.00", CultureInfo.InvariantCulture)}: compliance review required.", reasons, [reply.Request], evidence)
            : Findings(VettingStatus.Clear, $"No sanctions match at or above {threshold.ToString("0.00", CultureInfo.InvariantCulture)} for {queries.Count} screened name(s).", [], [reply.Request], evidence);
    }

    private static Dictionary<string, MatchQuery> BuildQueries(SupplierInput supplier)
    {
        var queries = new Dictionary<string, MatchQuery>(StringComparer.Ordinal);
        var properties = new Dictionary<string, IReadOnlyList<string>> { ["name"] = [supplier.Name] };
        if (supplier.IsPerson)
        {
            Add(properties, "birthDate", supplier.BirthDate);
            Add(properties, "nationality", (supplier.Nationality ?? supplier.Country)?.ToLowerInvariant());
        }
        else
        {
            Add(properties, "jurisdiction", supplier.Country?.ToLowerInvariant());
            Add(properties, "registrationNumber", supplier.OrgNumber);
            Add(properties, "leiCode", supplier.Lei);
        }

        queries["supplier"] = new MatchQuery(supplier.IsPerson ? "Person" : "Company", properties);
        for (var i = 0; i < supplier.Persons.Count; i++)
        {
            var person = supplier.Persons[i];
            var personProperties = new Dictionary<string, IReadOnlyList<string>> { ["name"] = [person.Name] };
            Add(personProperties, "birthDate", person.BirthDate);
            Add(personProperties, "nationality", person.Nationality?.ToLowerInvariant());
            queries[$"person-{i + 1}"] = new MatchQuery("Person", personProperties);
        }

        if (queries.Count > 100)
        {
            throw new InvalidVettingInputException(RegistryId.OpenSanctions, "OpenSanctions takes at most 100 queries per batch: supplier.persons has too many entries.");
        }

        return queries;
    }

    private static void Add(Dictionary<string, IReadOnlyList<string>> properties, string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            properties[name] = [value];
        }
    }

    private static JsonObject ResultEvidence(string query, string screenedName, MatchResult result) => new()
    {
        ["query"] = query,
        ["screenedName"] = screenedName,
        ["id"] = result.Id,
        ["caption"] = result.Caption,
        ["schema"] = result.Schema,
        ["score"] = result.Score,
        ["match"] = result.Match,
        ["datasets"] = new JsonArray([.. (result.Datasets ?? []).Select(d => (JsonNode?)d)]),
        ["topics"] = new JsonArray([.. Topics(result).Select(t => (JsonNode?)t)]),
        ["countries"] = new JsonArray([.. Strings(result, "country").Select(c => (JsonNode?)c)]),
        ["referents"] = new JsonArray([.. (result.Referents ?? []).Select(r => (JsonNode?)r)]),
        ["lastChange"] = result.LastChange,
    };

    private static IEnumerable<string> Topics(MatchResult result) => Strings(result, "topics");

    private static IEnumerable<string> Strings(MatchResult result, string property) =>
        result.Properties is not null && result.Properties.TryGetValue(property, out var values) && values.ValueKind == JsonValueKind.Array
            ? values.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)
            : [];

    private static string Join(IEnumerable<string>? values) => values?.Any() == true ? string.Join(", ", values) : "(none)";
}
