using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ProcurementFlows.Server.Ocds;

/// <summary>
/// Builds an OCDS 1.1.5 release package from a <c>procurement-case</c>: one release per milestone, each carrying
/// what is known at that stage, with the case's classified fields left out (not replaced by placeholders).
/// Pure: no I/O, no clock (the caller passes the publication date).
/// </summary>
public sealed class OcdsExporter
{
    /// <summary>The classification keys a case may list in its <c>classifiedFields</c> variable.</summary>
    public static readonly IReadOnlySet<string> ClassifiableFields = new HashSet<string>(StringComparer.Ordinal)
    {
        "planning.budget", "tender.value", "tender.items", "tender.description", "tender.documents",
        "awards.suppliers", "awards.value", "contracts.value", "contracts.implementation",
    };

    private readonly OcdsExportOptions _options;

    /// <summary>Creates an exporter; throws <see cref="OcdsExportException"/> for invalid options.</summary>
    public OcdsExporter(OcdsExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>The ocid of a case.</summary>
    public string OcidOf(string caseId) => $"{_options.OcidPrefix}-{caseId}";

    /// <summary>Exports the case as a release package; throws <see cref="OcdsExportException"/> when it cannot be valid OCDS.</summary>
    public JsonObject Export(OcdsCase procurementCase, DateTimeOffset publishedDate)
    {
        ArgumentNullException.ThrowIfNull(procurementCase);
        if (!OcdsText.IsCaseId(procurementCase.CaseId))
        {
            throw new OcdsExportException("ocds.invalid-case", $"Case id '{procurementCase.CaseId}' cannot form an ocid (letters, digits, '.', '_', '-').");
        }

        if (procurementCase.Milestones.Count == 0)
        {
            throw new OcdsExportException("ocds.nothing-to-publish", "The case has no published milestone yet (its requirement is not approved).");
        }

        var data = new CaseData(procurementCase.Variables);
        var classified = ClassifiedPaths(data);
        var ocid = OcidOf(procurementCase.CaseId);
        var releases = new JsonArray();
        var milestones = procurementCase.Milestones.OrderBy(m => m.Date).ToArray();
        for (var i = 0; i < milestones.Length; i++)
        {
            var release = BuildRelease(ocid, data, milestones, i);
            Redact(release, classified);
            releases.Add(release);
        }

        var package = new JsonObject
        {
            ["uri"] = new Uri(_options.PackageBaseUri, ocid).ToString(),
            ["version"] = "1.1",
            ["publishedDate"] = OcdsText.Date(publishedDate),
            ["publisher"] = new JsonObject
            {
                ["name"] = _options.Publisher.Name,
                ["scheme"] = _options.Publisher.Scheme,
                ["uid"] = _options.Publisher.Id,
            },
        };
        if (_options.License is not null)
        {
            package["license"] = _options.License.ToString();
        }

        if (_options.PublicationPolicy is not null)
        {
            package["publicationPolicy"] = _options.PublicationPolicy.ToString();
        }

        package["releases"] = releases;
        return package;
    }

    private JsonObject BuildRelease(string ocid, CaseData data, OcdsMilestone[] milestones, int index)
    {
        var current = milestones[index];
        var upTo = milestones.Take(index + 1).ToArray();
        bool Reached(OcdsMilestoneKind kind) => upTo.Any(m => m.Kind == kind);
        var tag = current.Kind switch
        {
            OcdsMilestoneKind.Planning => "planning",
            OcdsMilestoneKind.Tender => "tender",
            OcdsMilestoneKind.TenderAmendment => "tenderAmendment",
            OcdsMilestoneKind.TenderCancelled => "tenderCancellation",
            OcdsMilestoneKind.TenderUnsuccessful => "tenderUpdate",
            OcdsMilestoneKind.Award => "award",
            OcdsMilestoneKind.AwardUpdate => "awardUpdate",
            OcdsMilestoneKind.Contract => "contract",
            OcdsMilestoneKind.Implementation => milestones.Take(index).Any(m => m.Kind == OcdsMilestoneKind.Implementation) ? "implementationUpdate" : "implementation",
            OcdsMilestoneKind.Termination => "contractTermination",
            _ => throw new OcdsExportException("ocds.invalid-case", $"Unknown milestone {current.Kind}."),
        };

        var buyer = Party(_options.Buyer, "buyer", "procuringEntity", "payer");
        var parties = new JsonArray { buyer };
        var release = new JsonObject
        {
            ["ocid"] = ocid,
            ["id"] = $"{ocid}-{index + 1:00}-{tag}",
            ["date"] = OcdsText.Date(current.Date),
            ["tag"] = new JsonArray(tag),
            ["initiationType"] = "tender",
            ["language"] = _options.Language,
            ["parties"] = parties,
            ["buyer"] = Reference(_options.Buyer),
            ["planning"] = Planning(data),
        };

        var tenderPublished = upTo.FirstOrDefault(m => m.Kind == OcdsMilestoneKind.Tender);
        var tenderStatus = Reached(OcdsMilestoneKind.TenderCancelled) ? "cancelled"
            : Reached(OcdsMilestoneKind.TenderUnsuccessful) ? "unsuccessful"
            : Reached(OcdsMilestoneKind.Award) ? "complete"
            : tenderPublished is not null ? "active"
            : "planned";
        var tender = Tender(ocid, data, tenderStatus, tenderPublished, upTo);
        release["tender"] = tender;

        var award = upTo.FirstOrDefault(m => m.Kind == OcdsMilestoneKind.Award);
        if (award is null)
        {
            AddTenderers(data, parties, tender);
            return release;
        }

        AddTenderers(data, parties, tender);
        var supplier = data.Organization("recommendedSupplierName", "recommendedSupplierScheme", "recommendedSupplierId");
        if (supplier is not null)
        {
            var existing = parties.OfType<JsonObject>().FirstOrDefault(p => (string?)p["id"] == PartyId(supplier));
            if (existing is null)
            {
                parties.Add(Party(supplier, "supplier", "payee"));
            }
            else
            {
                existing["roles"]!.AsArray().Add("supplier");
                existing["roles"]!.AsArray().Add("payee");
            }
        }

        var awardStatus = Reached(OcdsMilestoneKind.TenderCancelled) ? "cancelled"
            : Reached(OcdsMilestoneKind.AwardUpdate) || Reached(OcdsMilestoneKind.Contract) ? "active"
            : "pending";
        var awardId = $"{ocid}-award-1";
        var awardJson = new JsonObject
        {
            ["id"] = awardId,
            ["title"] = data.String("tenderTitle") ?? data.String("requirementTitle"),
            ["status"] = awardStatus,
            ["date"] = OcdsText.Date(award.Date),
        };
        AddValue(awardJson, "value", data.Number("awardValue"), data.Currency("awardCurrency") ?? data.Currency("currency"));
        if (supplier is not null)
        {
            awardJson["suppliers"] = new JsonArray(Reference(supplier));
        }

        AddItems(awardJson, data);
        release["awards"] = new JsonArray(awardJson);

        var signed = upTo.FirstOrDefault(m => m.Kind == OcdsMilestoneKind.Contract);
        if (signed is null)
        {
            return release;
        }

        release["contracts"] = new JsonArray(Contract(ocid, awardId, data, signed, upTo, supplier));
        return release;
    }

    private JsonObject Contract(string ocid, string awardId, CaseData data, OcdsMilestone signed, OcdsMilestone[] upTo, OcdsOrganization? supplier)
    {
        var terminated = upTo.Any(m => m.Kind == OcdsMilestoneKind.Termination);
        var contract = new JsonObject
        {
            ["id"] = data.String("contractNumber") ?? $"{ocid}-contract-1",
            ["awardID"] = awardId,
            ["title"] = data.String("tenderTitle") ?? data.String("requirementTitle"),
            ["status"] = terminated ? "terminated" : "active",
        };
        var period = new JsonObject();
        AddDate(period, "startDate", data.Date("contractStartDate"));
        AddDate(period, "endDate", data.Date("contractEndDate"));
        if (period.Count > 0)
        {
            contract["period"] = period;
        }

        var currency = data.Currency("contractCurrency") ?? data.Currency("currency");
        AddValue(contract, "value", data.Number("contractValue"), currency);
        contract["dateSigned"] = OcdsText.Date(data.Date("dateSigned") ?? signed.Date);
        AddItems(contract, data);

        var deliveryDeadline = data.Date("deliveryDeadline");
        if (deliveryDeadline is not null)
        {
            var delivered = upTo.Any(m => m.Kind == OcdsMilestoneKind.Implementation) ? data.Date("deliveryDate") : null;
            var delivery = new JsonObject
            {
                ["id"] = "delivery",
                ["title"] = "Delivery",
                ["type"] = "delivery",
                ["dueDate"] = OcdsText.Date(deliveryDeadline.Value),
                ["status"] = delivered is null ? "scheduled" : "met",
            };
            AddDate(delivery, "dateMet", delivered);
            contract["milestones"] = new JsonArray(delivery);
        }

        var paid = upTo.Any(m => m.Kind == OcdsMilestoneKind.Implementation && m.ActivityId == "Task_RecordPayment");
        var paymentDate = data.Date("paymentDate");
        if (paid && paymentDate is not null)
        {
            var transaction = new JsonObject
            {
                ["id"] = data.String("paymentReference") ?? "payment-1",
                ["date"] = OcdsText.Date(paymentDate.Value),
            };
            AddValue(transaction, "value", data.Number("paidAmount"), currency);
            transaction["payer"] = Reference(_options.Buyer);
            if (supplier is not null)
            {
                transaction["payee"] = Reference(supplier);
            }

            contract["implementation"] = new JsonObject { ["transactions"] = new JsonArray(transaction) };
        }

        return contract;
    }

    private static JsonObject Planning(CaseData data)
    {
        var planning = new JsonObject();
        if (data.String("justification") is { } rationale)
        {
            planning["rationale"] = rationale;
        }

        var budget = new JsonObject();
        if (data.String("budgetLine") is { } line)
        {
            budget["id"] = line;
        }

        budget["description"] = data.String("requirementTitle");
        AddValue(budget, "amount", data.Number("estimatedValue"), data.Currency("currency"));
        planning["budget"] = budget;
        return planning;
    }

    private JsonObject Tender(string ocid, CaseData data, string status, OcdsMilestone? published, OcdsMilestone[] upTo)
    {
        var tender = new JsonObject
        {
            ["id"] = $"{ocid}-tender",
            ["title"] = data.String("tenderTitle") ?? data.String("requirementTitle"),
            ["description"] = data.String("tenderDescription") ?? data.String("requirementDescription"),
            ["status"] = status,
            ["procuringEntity"] = Reference(_options.Buyer),
        };
        AddItems(tender, data);
        AddValue(tender, "value", data.Number("estimatedValue"), data.Currency("currency"));
        AddCode(tender, "procurementMethod", data.String("procurementMethod"), ["open", "selective", "limited", "direct"]);
        // an accelerated procedure (Directive 2009/81/EC Art. 33(7)) is published as such, with its recorded urgency
        var accelerated = data.Flag("acceleratedProcedure") == true;
        if (data.String("procedureType") is { } procedure)
        {
            tender["procurementMethodDetails"] = accelerated ? procedure + " (accelerated)" : procedure;
        }

        var rationale = string.Join(" ", new[]
        {
            data.String("procedureRationale"),
            accelerated && data.String("accelerationJustification") is { } urgency ? "Urgency: " + urgency : null,
        }.OfType<string>());
        if (rationale.Length > 0)
        {
            tender["procurementMethodRationale"] = rationale;
        }

        AddCode(tender, "mainProcurementCategory", data.String("mainProcurementCategory"), ["goods", "works", "services"]);
        AddCode(tender, "awardCriteria", data.String("awardCriteria"), ["priceOnly", "costOnly", "qualityOnly", "ratedCriteria"]);
        if (published is not null)
        {
            AddCode(tender, "submissionMethod", data.String("submissionMethod"), ["electronicSubmission", "written", "inPerson"], asArray: true);
            var period = new JsonObject { ["startDate"] = OcdsText.Date(published.Date) };
            if (data.Number("tenderPeriodDays") is { } days)
            {
                if (days is < 0 or > 3650)
                {
                    throw new OcdsExportException("ocds.invalid-variable", $"tenderPeriodDays {days} is out of range.");
                }

                period["endDate"] = OcdsText.Date(published.Date.AddDays((double)days));
            }

            tender["tenderPeriod"] = period;
            if (data.String("tenderDocumentsUrl") is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri))
            {
                tender["documents"] = new JsonArray(new JsonObject
                {
                    ["id"] = "tender-notice",
                    ["documentType"] = "tenderNotice",
                    ["title"] = "Invitation to tender",
                    ["url"] = uri.ToString(),
                    ["datePublished"] = OcdsText.Date(published.Date),
                });
            }

            var amendments = upTo.Where(m => m.Kind == OcdsMilestoneKind.TenderAmendment).Select((m, n) => (JsonNode)new JsonObject
            {
                ["id"] = $"amendment-{n + 1}",
                ["date"] = OcdsText.Date(m.Date),
                ["rationale"] = "A clarification answer amended the tender documents.",
            }).ToArray();
            if (amendments.Length > 0)
            {
                tender["amendments"] = new JsonArray(amendments);
            }
        }

        if (data.Number("numberOfTenderers") is { } count && upTo.Any(m => m.Kind is OcdsMilestoneKind.Award or OcdsMilestoneKind.TenderUnsuccessful))
        {
            tender["numberOfTenderers"] = (int)count;
        }

        return tender;
    }

    private static void AddTenderers(CaseData data, JsonArray parties, JsonObject tender)
    {
        if (tender["numberOfTenderers"] is null)
        {
            return;
        }

        var references = new JsonArray();
        foreach (var org in data.Tenderers())
        {
            if (parties.OfType<JsonObject>().Any(p => (string?)p["id"] == PartyId(org)))
            {
                continue;
            }

            parties.Add(Party(org, "tenderer"));
            references.Add(Reference(org));
        }

        if (references.Count > 0)
        {
            tender["tenderers"] = references;
        }
    }

    private static void AddItems(JsonObject target, CaseData data)
    {
        var description = data.String("requirementTitle");
        if (description is null)
        {
            return;
        }

        var item = new JsonObject { ["id"] = "1", ["description"] = description };
        if (data.String("cpvCode") is { } cpv)
        {
            item["classification"] = new JsonObject { ["scheme"] = "CPV", ["id"] = cpv.Split('-')[0] };
        }

        if (data.Number("quantity") is { } quantity)
        {
            item["quantity"] = quantity;
        }

        if (data.String("unit") is { } unit)
        {
            item["unit"] = new JsonObject { ["name"] = unit };
        }

        target["items"] = new JsonArray(item);
    }

    private static void AddValue(JsonObject target, string property, decimal? amount, string? currency)
    {
        if (amount is null)
        {
            return;
        }

        var value = new JsonObject { ["amount"] = amount.Value };
        if (currency is not null)
        {
            value["currency"] = currency;
        }

        target[property] = value;
    }

    private static void AddDate(JsonObject target, string property, DateTimeOffset? value)
    {
        if (value is not null)
        {
            target[property] = OcdsText.Date(value.Value);
        }
    }

    private static void AddCode(JsonObject target, string property, string? value, string[] allowed, bool asArray = false)
    {
        if (value is null)
        {
            return;
        }

        if (!allowed.Contains(value, StringComparer.Ordinal))
        {
            throw new OcdsExportException("ocds.invalid-variable", $"{property} '{value}' is not one of {string.Join(", ", allowed)}.");
        }

        target[property] = asArray ? new JsonArray(value) : value;
    }

    private static string PartyId(OcdsOrganization org) => $"{org.Scheme}-{org.Id}";

    private static JsonObject Reference(OcdsOrganization org) => new() { ["id"] = PartyId(org), ["name"] = org.Name };

    private static JsonObject Party(OcdsOrganization org, params string[] roles) => new()
    {
        ["id"] = PartyId(org),
        ["name"] = org.Name,
        ["identifier"] = new JsonObject { ["scheme"] = org.Scheme, ["id"] = org.Id, ["legalName"] = org.Name },
        ["roles"] = new JsonArray(roles.Select(r => (JsonNode)r).ToArray()),
    };

    private static HashSet<string> ClassifiedPaths(CaseData data)
    {
        var keys = data.StringList("classifiedFields");
        var paths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            if (!ClassifiableFields.Contains(key))
            {
                throw new OcdsExportException("ocds.invalid-variable", $"classifiedFields contains '{key}', which the export does not know how to withhold; known: {string.Join(", ", ClassifiableFields)}.");
            }

            paths.Add(key);
            switch (key)
            {
                case "tender.value":
                    paths.Add("planning.budget.amount");
                    break;
                case "tender.items":
                    paths.Add("planning.budget.description");
                    paths.Add("awards.items");
                    paths.Add("contracts.items");
                    break;
                case "tender.description":
                    paths.Add("planning.rationale");
                    break;
                case "awards.suppliers":
                    paths.Add("tender.tenderers");
                    paths.Add("contracts.implementation.transactions.payee");
                    break;
                case "contracts.value":
                    paths.Add("contracts.implementation.transactions.value");
                    break;
                default:
                    break;
            }
        }

        return paths;
    }

    private static void Redact(JsonObject release, HashSet<string> paths)
    {
        foreach (var path in paths)
        {
            Remove(release, path.Split('.'));
        }

        if (paths.Contains("awards.suppliers") && release["parties"] is JsonArray parties)
        {
            // the identities must not leak through the parties list either
            foreach (var party in parties.OfType<JsonObject>().ToArray())
            {
                var roles = party["roles"]!.AsArray().Select(r => (string)r!).ToArray();
                if (roles.Any(r => r is "supplier" or "tenderer" or "payee"))
                {
                    parties.Remove(party);
                }
            }
        }
    }

    private static void Remove(JsonNode? node, ReadOnlySpan<string> path)
    {
        switch (node)
        {
            case JsonArray array:
                foreach (var element in array)
                {
                    Remove(element, path);
                }

                break;
            case JsonObject obj when path.Length == 1:
                obj.Remove(path[0]);
                break;
            case JsonObject obj when obj[path[0]] is { } child:
                Remove(child, path[1..]);
                break;
            default:
                break;
        }
    }

    /// <summary>Typed, validated reads of case variables; wrong types are clear errors, absent values are null.</summary>
    private sealed class CaseData(IReadOnlyDictionary<string, JsonNode?> variables)
    {
        public string? String(string name)
        {
            if (!variables.TryGetValue(name, out var node) || node is null)
            {
                return null;
            }

            if (node is JsonValue v && v.TryGetValue<string>(out var s))
            {
                return string.IsNullOrWhiteSpace(s) ? null : s.Trim();
            }

            throw Invalid(name, "a string");
        }

        public bool? Flag(string name)
        {
            if (!variables.TryGetValue(name, out var node) || node is null)
            {
                return null;
            }

            return node.GetValueKind() switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Invalid(name, "true or false"),
            };
        }

        public decimal? Number(string name)
        {
            if (!variables.TryGetValue(name, out var node) || node is null)
            {
                return null;
            }

            if (node is JsonValue v)
            {
                var text = v.GetValueKind() == System.Text.Json.JsonValueKind.Number ? v.ToJsonString()
                    : v.TryGetValue<string>(out var s) ? s : null;
                if (text is not null && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
                {
                    return parsed;
                }
            }

            throw Invalid(name, "a number");
        }

        public DateTimeOffset? Date(string name)
        {
            var s = String(name);
            if (s is null)
            {
                return null;
            }

            if (DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                return new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            }

            if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
            {
                return value;
            }

            throw Invalid(name, "an ISO 8601 date");
        }

        public string? Currency(string name)
        {
            var s = String(name);
            if (s is null)
            {
                return null;
            }

            if (s.Length != 3 || !s.All(char.IsAsciiLetterUpper))
            {
                throw Invalid(name, "an ISO 4217 currency code");
            }

            return s;
        }

        public IReadOnlyList<string> StringList(string name)
        {
            if (!variables.TryGetValue(name, out var node) || node is null)
            {
                return [];
            }

            if (node is JsonArray array && array.All(x => x is JsonValue v && v.TryGetValue<string>(out _)))
            {
                return array.Select(x => (string)x!).ToArray();
            }

            throw Invalid(name, "an array of strings");
        }

        public OcdsOrganization? Organization(string nameVar, string schemeVar, string idVar)
        {
            var name = String(nameVar);
            var id = String(idVar);
            if (name is null || id is null)
            {
                return null;
            }

            return new OcdsOrganization(name, String(schemeVar) ?? "NO-BRC", id);
        }

        public IEnumerable<OcdsOrganization> Tenderers()
        {
            if (!variables.TryGetValue("tenderers", out var node) || node is null)
            {
                yield break;
            }

            if (node is not JsonArray array)
            {
                throw Invalid("tenderers", "an array");
            }

            foreach (var entry in array)
            {
                if (entry is not JsonObject o || o["name"] is not JsonValue n || o["identifierId"] is not JsonValue i
                    || !n.TryGetValue<string>(out var name) || !i.TryGetValue<string>(out var id))
                {
                    throw Invalid("tenderers", "a list of { name, identifierScheme, identifierId }");
                }

                var scheme = o["identifierScheme"] is JsonValue s && s.TryGetValue<string>(out var sc) ? sc : "NO-BRC";
                yield return new OcdsOrganization(name, scheme, id);
            }
        }

        private static OcdsExportException Invalid(string name, string expected) =>
            new("ocds.invalid-variable", $"Case variable '{name}' must be {expected}.");
    }
}
