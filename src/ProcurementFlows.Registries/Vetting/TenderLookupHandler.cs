using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ProcurementFlows.Registries.Http;
using ProcurementFlows.Registries.Prozorro;
using ProcurementFlows.Runtime.ServiceTasks;

namespace ProcurementFlows.Registries.Vetting;

/// <summary>
/// <c>registry.tender-lookup</c>: reads a Prozorro tender (variable <c>tenderId</c>, 32 hex digits) with its awards
/// and contracts. Found is clear; cancelled or unsuccessful needs review; when a <c>supplier</c> with a UA-EDR
/// number is given, the evidence says whether it holds an active award. Writes <c>tenderLookup</c>.
/// </summary>
internal sealed class TenderLookupHandler(IServiceScopeFactory scopes, TimeProvider time, ILogger<TenderLookupHandler> logger) : RegistryHandler(scopes, time, logger)
{
    public const string TopicName = "registry.tender-lookup";

    public const string TenderIdVariable = "tenderId";

    public override string Topic => TopicName;

    public override string OutputVariable => "tenderLookup";

    protected override RegistryId Registry => RegistryId.Prozorro;

    protected override async Task<VettingFindings> CheckAsync(ServiceTaskContext context, IServiceProvider services, CancellationToken cancellationToken)
    {
        var api = services.GetRequiredService<IProzorroApi>();
        if (!context.Variables.TryGetValue(TenderIdVariable, out var node) || node?.GetValueKind() != JsonValueKind.String
            || node.GetValue<string>() is not { } id || !Identifiers.IsProzorroId(id))
        {
            throw new InvalidVettingInputException(Registry, $"The process variable '{TenderIdVariable}' must be a Prozorro tender id (32 lowercase hex digits).");
        }

        var supplier = context.Variables.ContainsKey(SupplierInput.VariableName) ? SupplierInput.From(context.Variables, Registry) : null;
        var reply = await RegistryCall.SendAsync(Registry, () => api.GetTenderAsync(id, cancellationToken), cancellationToken, HttpStatusCode.NotFound);
        if (reply.StatusCode == HttpStatusCode.NotFound)
        {
            return Findings(VettingStatus.NotFound, $"Prozorro has no tender {id}.", [$"Tender {id} was not found."], [reply.Request], new JsonObject { ["id"] = id, ["httpStatus"] = 404 });
        }

        var tender = reply.Content!.Data ?? throw new RegistryResponseException(Registry, $"Prozorro answered {reply.Request} without 'data'.");
        var evidence = new JsonObject
        {
            ["id"] = tender.Id,
            ["tenderID"] = tender.TenderID,
            ["title"] = tender.Title,
            ["status"] = tender.Status,
            ["procurementMethodType"] = tender.ProcurementMethodType,
            ["procuringEntity"] = tender.ProcuringEntity?.Name,
            ["procuringEntityKind"] = tender.ProcuringEntity?.Kind,
            ["amount"] = tender.Value?.Amount,
            ["currency"] = tender.Value?.Currency,
            ["awards"] = new JsonArray([.. (tender.Awards ?? []).Select(a => (JsonNode?)new JsonObject
            {
                ["id"] = a.Id,
                ["status"] = a.Status,
                ["suppliers"] = new JsonArray([.. (a.Suppliers ?? []).Select(s => (JsonNode?)$"{s.Identifier?.Scheme}:{s.Identifier?.Id}")]),
                ["amount"] = a.Value?.Amount,
            })]),
            ["contracts"] = new JsonArray([.. (tender.Contracts ?? []).Select(c => (JsonNode?)new JsonObject { ["id"] = c.Id, ["awardID"] = c.AwardID, ["status"] = c.Status })]),
            ["dateModified"] = tender.DateModified,
        };

        if (supplier?.OrgNumber is { } edr && supplier.EffectiveScheme == "UA-EDR")
        {
            evidence["supplierHasActiveAward"] = (tender.Awards ?? []).Any(a => a.Status == "active"
                && (a.Suppliers ?? []).Any(s => s.Identifier?.Scheme == "UA-EDR" && s.Identifier.Id == edr));
        }

        return tender.Status is "cancelled" or "unsuccessful"
            ? Findings(VettingStatus.NeedsReview, $"Tender {tender.TenderID} is {tender.Status}.", [$"The tender ended {tender.Status}."], [reply.Request], evidence)
            : Findings(VettingStatus.Clear, $"Tender {tender.TenderID} is {tender.Status}.", [], [reply.Request], evidence);
    }
}
