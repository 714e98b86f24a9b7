using System.Globalization;
using System.Text.Json.Nodes;

namespace ProcurementFlows.Registries.Vetting;

/// <summary>The outcome of one vetting check, as the process sees it.</summary>
public enum VettingStatus
{
    /// <summary>Nothing against the supplier.</summary>
    Clear,

    /// <summary>A finding: bankrupt, dissolving, deleted, removed, sanctioned, excluded, inactive LEI...</summary>
    Hit,

    /// <summary>Unclear: a human must look (e.g. an ACTIVE entity with a LAPSED LEI, no automated registry for the scheme).</summary>
    NeedsReview,

    /// <summary>The registry does not know the identifier (or none was given).</summary>
    NotFound,
}

/// <summary>Where findings came from: the registry and the requests made (paths only, never a key).</summary>
/// <param name="Registry">The registry.</param>
/// <param name="Requests">Each request as <c>GET /path?query</c>.</param>
public sealed record FindingsSource(RegistryId Registry, IReadOnlyList<string> Requests);

/// <summary>
/// One check's findings, written to a process variable as JSON:
/// <c>{"check","status","requiresReview","summary","reasons":[],"source":{"registry","name","requests":[]},"retrievedAt","evidence":{}}</c>.
/// </summary>
/// <param name="Check">The service-task topic, e.g. <c>registry.company-lookup</c>.</param>
/// <param name="Status">The outcome.</param>
/// <param name="Summary">One sentence for the inbox.</param>
/// <param name="Reasons">Each finding or reason for review, in words.</param>
/// <param name="Source">The registry and requests.</param>
/// <param name="RetrievedAt">When the registry answered (from the injected <see cref="TimeProvider"/>).</param>
/// <param name="Evidence">The registry facts the status rests on.</param>
public sealed record VettingFindings(
    string Check,
    VettingStatus Status,
    string Summary,
    IReadOnlyList<string> Reasons,
    FindingsSource Source,
    DateTimeOffset RetrievedAt,
    JsonObject Evidence)
{
    /// <summary>Anything but <see cref="VettingStatus.Clear"/> goes to a human: hits, unclear results and unknown suppliers.</summary>
    public bool RequiresReview => Status != VettingStatus.Clear;

    /// <summary>The wire name of <paramref name="status"/>: <c>clear</c>, <c>hit</c>, <c>needs-review</c>, <c>not-found</c>.</summary>
    public static string StatusName(VettingStatus status) => status switch
    {
        VettingStatus.Clear => "clear",
        VettingStatus.Hit => "hit",
        VettingStatus.NeedsReview => "needs-review",
        VettingStatus.NotFound => "not-found",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown status."),
    };

    /// <summary>The JSON written to the process variable.</summary>
    public JsonObject ToJson() => new()
    {
        ["check"] = Check,
        ["status"] = StatusName(Status),
        ["requiresReview"] = RequiresReview,
        ["summary"] = Summary,
        ["reasons"] = new JsonArray([.. Reasons.Select(r => (JsonNode?)JsonValue.Create(r))]),
        ["source"] = new JsonObject
        {
            ["registry"] = Source.Registry.ConfigurationKey().ToLowerInvariant(),
            ["name"] = Source.Registry.DisplayName(),
            ["requests"] = new JsonArray([.. Source.Requests.Select(r => (JsonNode?)JsonValue.Create(r))]),
        },
        ["retrievedAt"] = RetrievedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
        ["evidence"] = Evidence.DeepClone(),
    };
}
