using System.Text.Json.Nodes;
using ProcurementFlows.Engine;

namespace ProcurementFlows.Server.Ocds;

/// <summary>The stages of a case that are published as OCDS releases.</summary>
public enum OcdsMilestoneKind
{
    /// <summary>Requirement approved: <c>planning</c>.</summary>
    Planning,

    /// <summary>Invitation to tender published: <c>tender</c>.</summary>
    Tender,

    /// <summary>A clarification answer amended the tender documents: <c>tenderAmendment</c>.</summary>
    TenderAmendment,

    /// <summary>The tender was cancelled (e.g. after an upheld review application): <c>tenderCancellation</c>.</summary>
    TenderCancelled,

    /// <summary>No tenders were received: <c>tenderUpdate</c> with status unsuccessful.</summary>
    TenderUnsuccessful,

    /// <summary>Award decision notified, standstill running: <c>award</c> with status pending.</summary>
    Award,

    /// <summary>Standstill over (or review dismissed): <c>awardUpdate</c> with status active.</summary>
    AwardUpdate,

    /// <summary>Contract signed: <c>contract</c>.</summary>
    Contract,

    /// <summary>Delivery, acceptance or payment: <c>implementation</c>, later <c>implementationUpdate</c>.</summary>
    Implementation,

    /// <summary>Closeout or early termination: <c>contractTermination</c>.</summary>
    Termination,
}

/// <summary>One publishable event in a case's life.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Date">When (the release date).</param>
/// <param name="ActivityId">The BPMN element that marked it, for traceability.</param>
public sealed record OcdsMilestone(OcdsMilestoneKind Kind, DateTimeOffset Date, string? ActivityId = null);

/// <summary>What the exporter needs from a case: its id, its current variables and its milestones in order.</summary>
/// <param name="CaseId">The case (instance or business key); becomes the ocid suffix. Letters, digits, '-', '_' and '.'.</param>
/// <param name="Variables">The case variables as the forms of <c>procurement-case</c> set them.</param>
/// <param name="Milestones">The milestones, e.g. from <see cref="OcdsMilestones.FromHistory"/>.</param>
public sealed record OcdsCase(string CaseId, IReadOnlyDictionary<string, JsonNode?> Variables, IReadOnlyList<OcdsMilestone> Milestones);

/// <summary>An organisation with an org-id.guide identifier (NO-BRC, UA-EDR, XI-LEI, ...).</summary>
/// <param name="Name">Display name.</param>
/// <param name="Scheme">Identifier scheme, e.g. <c>NO-BRC</c>.</param>
/// <param name="Id">Identifier within the scheme.</param>
public sealed record OcdsOrganization(string Name, string Scheme, string Id);

/// <summary>Options of the OCDS export.</summary>
public sealed class OcdsExportOptions
{
    /// <summary>The registered ocid prefix, e.g. <c>ocds-abc123</c>.</summary>
    public string OcidPrefix { get; set; } = "ocds-pflows";

    /// <summary>Base URI of published packages; the package uri is this plus the ocid.</summary>
    public Uri PackageBaseUri { get; set; } = new("https://procurementflows.example/ocds/");

    /// <summary>The publisher named in every package.</summary>
    public OcdsOrganization Publisher { get; set; } = new("Norwegian Defence Materiel Agency", "NO-BRC", "916075855");

    /// <summary>The buyer and procuring entity of the cases (also the payer).</summary>
    public OcdsOrganization Buyer { get; set; } = new("Norwegian Defence Materiel Agency", "NO-BRC", "916075855");

    /// <summary>Licence of the published data.</summary>
    public Uri? License { get; set; } = new("https://data.norge.no/nlod/en/2.0");

    /// <summary>Where the publication policy is described.</summary>
    public Uri? PublicationPolicy { get; set; }

    /// <summary>Release language (ISO 639-1).</summary>
    public string Language { get; set; } = "en";

    /// <summary>Throws <see cref="OcdsExportException"/> for options that would produce invalid OCDS.</summary>
    public void Validate()
    {
        if (!OcdsText.IsOcidPrefix(OcidPrefix))
        {
            throw new OcdsExportException("ocds.invalid-options", $"OcidPrefix '{OcidPrefix}' is not an ocid prefix like 'ocds-abc123'.");
        }

        if (!PackageBaseUri.IsAbsoluteUri)
        {
            throw new OcdsExportException("ocds.invalid-options", "PackageBaseUri must be absolute.");
        }

        foreach (var org in new[] { Publisher, Buyer })
        {
            if (string.IsNullOrWhiteSpace(org.Name) || string.IsNullOrWhiteSpace(org.Scheme) || string.IsNullOrWhiteSpace(org.Id))
            {
                throw new OcdsExportException("ocds.invalid-options", "Publisher and Buyer need a name, a scheme and an id.");
            }
        }
    }
}

/// <summary>A case that cannot be exported as valid OCDS (not retryable: the data must change first).</summary>
public sealed class OcdsExportException(string code, string message) : ProcurementFlowsException(code, message, isRetryable: false);
