using System.Text.Json.Nodes;
using ProcurementFlows.Engine;
using ProcurementFlows.Server.Ocds;

namespace ProcurementFlows.Workflows.Tests;

public sealed class OcdsExportTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static readonly OcdsExportOptions Options = new() { OcidPrefix = "ocds-pf0001" };

    [Fact]
    public void A_whole_case_exports_one_schema_valid_release_per_milestone_with_the_right_tags()
    {
        var package = new OcdsExporter(Options).Export(WholeCase(), T0.AddDays(200));

        Assert.Empty(OcdsSchema.Validate(package));
        var tags = Releases(package).Select(r => (string)r["tag"]![0]!).ToArray();
        Assert.Equal(
            ["planning", "tender", "tenderAmendment", "award", "awardUpdate", "contract", "implementation", "implementationUpdate", "implementationUpdate", "contractTermination"],
            tags);
        var ids = Releases(package).Select(r => (string)r["id"]!).ToArray();
        Assert.Equal(ids.Length, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(Releases(package), r => Assert.Equal("ocds-pf0001-PF-2026-0042", (string?)r["ocid"]));
        Assert.Equal("1.1", (string?)package["version"]);
    }

    [Fact]
    public void The_schema_check_catches_a_broken_package()
    {
        var package = new OcdsExporter(Options).Export(WholeCase(), T0.AddDays(200));
        package["releases"]![0]!.AsObject().Remove("ocid");
        package["releases"]![1]!["tag"] = new JsonArray("signed");

        var errors = OcdsSchema.Validate(package);

        Assert.Contains(errors, e => e.Contains("ocid", StringComparison.Ordinal));
        Assert.True(errors.Count >= 2);
    }

    [Fact]
    public void Statuses_follow_the_case_through_standstill_signature_and_closeout()
    {
        var releases = Releases(new OcdsExporter(Options).Export(WholeCase(), T0.AddDays(200))).ToArray();
        JsonObject Tagged(string tag) => releases.First(r => (string?)r["tag"]![0] == tag);

        Assert.Equal("planned", (string?)Tagged("planning")["tender"]!["status"]);
        Assert.Equal("active", (string?)Tagged("tender")["tender"]!["status"]);
        Assert.Equal("2026-04-21T09:00:00Z", (string?)Tagged("tender")["tender"]!["tenderPeriod"]!["endDate"]);
        Assert.Single(Tagged("tenderAmendment")["tender"]!["amendments"]!.AsArray());
        Assert.Equal("pending", (string?)Tagged("award")["awards"]![0]!["status"]);
        Assert.Null(Tagged("award")["contracts"]);
        Assert.Equal("active", (string?)Tagged("awardUpdate")["awards"]![0]!["status"]);
        Assert.Equal("active", (string?)Tagged("contract")["contracts"]![0]!["status"]);
        Assert.Equal("2026-06-01T00:00:00Z", (string?)Tagged("contract")["contracts"]![0]!["dateSigned"]);
        Assert.Equal("scheduled", (string?)Tagged("contract")["contracts"]![0]!["milestones"]![0]!["status"]);
        Assert.Equal("met", (string?)Tagged("implementation")["contracts"]![0]!["milestones"]![0]!["status"]);
        Assert.Null(Tagged("implementation")["contracts"]![0]!["implementation"]);
        var closed = Tagged("contractTermination");
        Assert.Equal("terminated", (string?)closed["contracts"]![0]!["status"]);
        var transaction = closed["contracts"]![0]!["implementation"]!["transactions"]![0]!;
        Assert.Equal(4_950_000m, (decimal)transaction["value"]!["amount"]!);
        Assert.Equal("NO-BRC-923609016", (string?)transaction["payee"]!["id"]);
        Assert.Equal("complete", (string?)closed["tender"]!["status"]);
    }

    [Fact]
    public void Parties_carry_org_id_schemes_and_roles()
    {
        var closed = Releases(new OcdsExporter(Options).Export(WholeCase(), T0.AddDays(200))).Last();
        var parties = closed["parties"]!.AsArray().Select(p => p!.AsObject()).ToArray();

        Assert.Equal(["NO-BRC", "NO-BRC", "UA-EDR", "XI-LEI"], parties.Select(p => (string)p["identifier"]!["scheme"]!).Order(StringComparer.Ordinal));
        var buyer = parties.Single(p => p["roles"]!.AsArray().Any(r => (string?)r == "buyer"));
        Assert.Contains("payer", buyer["roles"]!.AsArray().Select(r => (string?)r));
        var supplier = parties.Single(p => p["roles"]!.AsArray().Any(r => (string?)r == "supplier"));
        Assert.Equal("923609016", (string?)supplier["identifier"]!["id"]);
        Assert.Contains("tenderer", supplier["roles"]!.AsArray().Select(r => (string?)r));
        Assert.Equal(3, closed["tender"]!["tenderers"]!.AsArray().Count); // the winner is both tenderer and supplier
    }

    [Fact]
    public void Every_code_comes_from_the_ocds_code_lists()
    {
        foreach (var package in new[] { new OcdsExporter(Options).Export(WholeCase(), T0.AddDays(200)), new OcdsExporter(Options).Export(CancelledCase(), T0.AddDays(90)) })
        {
            foreach (var release in Releases(package))
            {
                AssertCodes(release["tag"]!.AsArray(), "releaseTag.csv");
                AssertCode(release["initiationType"], "initiationType.csv");
                AssertCode(release["tender"]!["status"], "tenderStatus.csv");
                AssertCode(release["tender"]!["procurementMethod"], "method.csv");
                AssertCode(release["tender"]!["mainProcurementCategory"], "procurementCategory.csv");
                AssertCode(release["tender"]!["awardCriteria"], "awardCriteria.csv");
                if (release["tender"]!["submissionMethod"] is JsonArray submission)
                {
                    AssertCodes(submission, "submissionMethod.csv");
                }

                foreach (var party in release["parties"]!.AsArray())
                {
                    AssertCodes(party!["roles"]!.AsArray(), "partyRole.csv");
                }

                foreach (var award in release["awards"]?.AsArray() ?? [])
                {
                    AssertCode(award!["status"], "awardStatus.csv");
                }

                foreach (var contract in release["contracts"]?.AsArray() ?? [])
                {
                    AssertCode(contract!["status"], "contractStatus.csv");
                    foreach (var milestone in contract["milestones"]?.AsArray() ?? [])
                    {
                        AssertCode(milestone!["type"], "milestoneType.csv");
                        AssertCode(milestone["status"], "milestoneStatus.csv");
                    }
                }

                foreach (var document in release["tender"]!["documents"]?.AsArray() ?? [])
                {
                    AssertCode(document!["documentType"], "documentType.csv");
                }

                foreach (var currency in Descendants(release).OfType<JsonObject>().Where(o => o.ContainsKey("currency")).Select(o => o["currency"]))
                {
                    AssertCode(currency, "currency.csv");
                }

                foreach (var classification in Descendants(release).OfType<JsonObject>().Where(o => o.ContainsKey("classification")).Select(o => o["classification"]!["scheme"]))
                {
                    AssertCode(classification, "itemClassificationScheme.csv");
                }
            }
        }
    }

    [Fact]
    public void Classified_fields_are_left_out_and_the_package_stays_valid()
    {
        var variables = WholeVariables();
        variables["classifiedFields"] = new JsonArray("awards.suppliers", "tender.value", "contracts.value", "tender.items");
        var procurementCase = WholeCase() with { Variables = variables };

        var package = new OcdsExporter(Options).Export(procurementCase, T0.AddDays(200));

        Assert.Empty(OcdsSchema.Validate(package));
        var text = package.ToJsonString();
        foreach (var secret in new[] { "923609016", "Nordic Armour AS", "40123456", "5299000J2N45DDNE4Y28", "Kyiv Defence Works", "Armoured vehicles" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }

        foreach (var release in Releases(package))
        {
            Assert.Null(release["tender"]!["value"]);
            Assert.Null(release["planning"]!["budget"]!["amount"]);
            Assert.Null(release["tender"]!["items"]);
            Assert.All(release["parties"]!.AsArray(), p => Assert.Equal("NO-BRC-916075855", (string?)p!["id"]));
            foreach (var contract in release["contracts"]?.AsArray() ?? [])
            {
                Assert.Null(contract!["value"]);
            }
        }

        // what is not classified is still published
        Assert.Equal(4_900_000m, (decimal)Releases(package).Last()["awards"]![0]!["value"]!["amount"]!);
    }

    [Fact]
    public void An_accelerated_procedure_is_published_as_such_with_its_urgency()
    {
        var variables = WholeVariables();
        variables["acceleratedProcedure"] = true;
        variables["accelerationJustification"] = "Vehicles lost in the spring floods";
        variables["procedureRationale"] = null;

        var package = new OcdsExporter(Options).Export(WholeCase() with { Variables = variables }, T0.AddDays(200));

        Assert.Empty(OcdsSchema.Validate(package));
        var tender = Releases(package).Last()["tender"]!;
        Assert.Equal("restricted (accelerated)", (string?)tender["procurementMethodDetails"]);
        Assert.Equal("Urgency: Vehicles lost in the spring floods", (string?)tender["procurementMethodRationale"]);

        variables["acceleratedProcedure"] = false;
        var standard = Releases(new OcdsExporter(Options).Export(WholeCase() with { Variables = variables }, T0.AddDays(200))).Last()["tender"]!;
        Assert.Equal("restricted", (string?)standard["procurementMethodDetails"]);
        Assert.Null(standard["procurementMethodRationale"]);
    }

    [Fact]
    public void A_cancelled_tender_publishes_a_cancellation_and_cancels_the_pending_award()
    {
        var package = new OcdsExporter(Options).Export(CancelledCase(), T0.AddDays(90));

        Assert.Empty(OcdsSchema.Validate(package));
        var last = Releases(package).Last();
        Assert.Equal("tenderCancellation", (string?)last["tag"]![0]);
        Assert.Equal("cancelled", (string?)last["tender"]!["status"]);
        Assert.Equal("cancelled", (string?)last["awards"]![0]!["status"]);
    }

    [Fact]
    public void A_tender_without_tenders_is_published_as_unsuccessful()
    {
        var milestones = new[]
        {
            new OcdsMilestone(OcdsMilestoneKind.Planning, T0),
            new OcdsMilestone(OcdsMilestoneKind.Tender, T0.AddDays(20)),
            new OcdsMilestone(OcdsMilestoneKind.TenderUnsuccessful, T0.AddDays(61)),
        };
        var variables = WholeVariables();
        variables["numberOfTenderers"] = 0;
        variables.Remove("tenderers");

        var package = new OcdsExporter(Options).Export(new OcdsCase("PF-2026-0007", variables, milestones), T0.AddDays(62));

        Assert.Empty(OcdsSchema.Validate(package));
        var last = Releases(package).Last();
        Assert.Equal("tenderUpdate", (string?)last["tag"]![0]);
        Assert.Equal("unsuccessful", (string?)last["tender"]!["status"]);
        Assert.Equal(0, (int)last["tender"]!["numberOfTenderers"]!);
    }

    [Fact]
    public void The_ocid_prefix_and_publisher_come_from_the_options()
    {
        var options = new OcdsExportOptions
        {
            OcidPrefix = "ocds-ua0dpa",
            PackageBaseUri = new Uri("https://dpa.example/ocds/"),
            Publisher = new OcdsOrganization("Defence Procurement Agency", "UA-EDR", "44979690"),
            Buyer = new OcdsOrganization("Defence Procurement Agency", "UA-EDR", "44979690"),
        };
        var package = new OcdsExporter(options).Export(WholeCase(), T0.AddDays(200));

        Assert.Empty(OcdsSchema.Validate(package));
        Assert.Equal("https://dpa.example/ocds/ocds-ua0dpa-PF-2026-0042", (string?)package["uri"]);
        Assert.Equal("UA-EDR", (string?)package["publisher"]!["scheme"]);
        Assert.All(Releases(package), r => Assert.StartsWith("ocds-ua0dpa-", (string?)r["ocid"], StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ocds-ABC123")]
    [InlineData("pf-123456")]
    [InlineData("")]
    public void An_invalid_ocid_prefix_is_refused(string prefix)
    {
        var error = Assert.Throws<OcdsExportException>(() => new OcdsExporter(new OcdsExportOptions { OcidPrefix = prefix }));
        Assert.Equal("ocds.invalid-options", error.Code);
        Assert.False(error.IsRetryable);
    }

    [Theory]
    [InlineData("estimatedValue", "\"a lot\"", "a number")]
    [InlineData("currency", "\"nok\"", "currency")]
    [InlineData("dateSigned", "\"next Tuesday\"", "date")]
    [InlineData("classifiedFields", "[\"tender.valeu\"]", "tender.valeu")]
    [InlineData("classifiedFields", "\"tender.value\"", "array of strings")]
    [InlineData("procurementMethod", "\"restricted\"", "procurementMethod")]
    [InlineData("acceleratedProcedure", "\"yes\"", "true or false")]
    [InlineData("tenderers", "[{\"name\": 3}]", "tenderers")]
    public void Bad_case_variables_get_a_clear_error(string name, string json, string mentioned)
    {
        var variables = WholeVariables();
        variables[name] = JsonNode.Parse(json);

        var error = Assert.Throws<OcdsExportException>(() => new OcdsExporter(Options).Export(WholeCase() with { Variables = variables }, T0));

        Assert.Equal("ocds.invalid-variable", error.Code);
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
        Assert.Contains(mentioned, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_case_without_milestones_or_with_an_unusable_id_is_refused()
    {
        var exporter = new OcdsExporter(Options);
        Assert.Equal("ocds.nothing-to-publish", Assert.Throws<OcdsExportException>(() => exporter.Export(WholeCase() with { Milestones = [] }, T0)).Code);
        Assert.Equal("ocds.invalid-case", Assert.Throws<OcdsExportException>(() => exporter.Export(WholeCase() with { CaseId = "../etc/passwd" }, T0)).Code);
    }

    [Fact]
    public void Milestones_are_read_from_the_case_history()
    {
        HistoryEntry Entry(HistoryEntryType type, string id, int day, JsonObject? data = null) => new(type, id, null, null, T0.AddDays(day), null, data);
        var history = new[]
        {
            Entry(HistoryEntryType.ActivityCompleted, "Task_ApproveRequirement", 1),
            Entry(HistoryEntryType.ActivityCompleted, "Script_ApplyPolicy", 1),
            Entry(HistoryEntryType.ActivityCompleted, "Task_PrepareSolicitation", 19), // refused: below the minimum period
            Entry(HistoryEntryType.ActivityCompleted, "Task_PrepareSolicitation", 20),
            Entry(HistoryEntryType.ActivityStarted, "SubProcess_TenderPeriod", 20),
            Entry(HistoryEntryType.ActivityCompleted, "Task_AnswerClarification", 25, new JsonObject { ["variables"] = new JsonObject { ["amendsSolicitation"] = false } }),
            Entry(HistoryEntryType.ActivityCompleted, "Task_AnswerClarification", 26, new JsonObject { ["variables"] = new JsonObject { ["amendsSolicitation"] = true } }),
            Entry(HistoryEntryType.ActivityCompleted, "Task_NotifyAward", 70),
            Entry(HistoryEntryType.ActivityStarted, "Task_SignContract", 80),
            Entry(HistoryEntryType.ActivityCompleted, "Task_SignContract", 81),
            Entry(HistoryEntryType.ActivityCompleted, "Task_RecordPayment", 150),
            Entry(HistoryEntryType.ActivityCompleted, "Task_Closeout", 160),
        };

        var kinds = OcdsMilestones.FromHistory(history).Select(m => m.Kind).ToArray();

        Assert.Equal(
            [OcdsMilestoneKind.Planning, OcdsMilestoneKind.Tender, OcdsMilestoneKind.TenderAmendment, OcdsMilestoneKind.Award,
             OcdsMilestoneKind.AwardUpdate, OcdsMilestoneKind.Contract, OcdsMilestoneKind.Implementation, OcdsMilestoneKind.Termination],
            kinds);
    }

    internal static OcdsCase WholeCase() => new("PF-2026-0042", WholeVariables(),
    [
        new OcdsMilestone(OcdsMilestoneKind.Planning, T0, "Script_ApplyPolicy"),
        new OcdsMilestone(OcdsMilestoneKind.Tender, T0.AddDays(10), "Task_PrepareSolicitation"),
        new OcdsMilestone(OcdsMilestoneKind.TenderAmendment, T0.AddDays(20), "Task_AnswerClarification"),
        new OcdsMilestone(OcdsMilestoneKind.Award, T0.AddDays(70), "Task_NotifyAward"),
        new OcdsMilestone(OcdsMilestoneKind.AwardUpdate, T0.AddDays(81), "Task_SignContract"),
        new OcdsMilestone(OcdsMilestoneKind.Contract, T0.AddDays(91), "Task_SignContract"),
        new OcdsMilestone(OcdsMilestoneKind.Implementation, T0.AddDays(140), "Task_ReceiveDelivery"),
        new OcdsMilestone(OcdsMilestoneKind.Implementation, T0.AddDays(150), "CallActivity_QualityAssurance"),
        new OcdsMilestone(OcdsMilestoneKind.Implementation, T0.AddDays(170), "Task_RecordPayment"),
        new OcdsMilestone(OcdsMilestoneKind.Termination, T0.AddDays(190), "Task_Closeout"),
    ]);

    private static OcdsCase CancelledCase() => WholeCase() with
    {
        Milestones =
        [
            new OcdsMilestone(OcdsMilestoneKind.Planning, T0),
            new OcdsMilestone(OcdsMilestoneKind.Tender, T0.AddDays(10)),
            new OcdsMilestone(OcdsMilestoneKind.Award, T0.AddDays(70)),
            new OcdsMilestone(OcdsMilestoneKind.TenderCancelled, T0.AddDays(75), "End_TenderCancelled"),
        ],
    };

    internal static Dictionary<string, JsonNode?> WholeVariables() => new(StringComparer.Ordinal)
    {
        ["requirementTitle"] = "Armoured vehicles",
        ["requirementDescription"] = "Protected mobility for light infantry",
        ["cpvCode"] = "35400000-1",
        ["quantity"] = 12,
        ["unit"] = "vehicle",
        ["estimatedValue"] = 5_200_000,
        ["currency"] = "NOK",
        ["justification"] = "Replacement of ageing fleet",
        ["budgetLine"] = "FMA-2026-017",
        ["procurementMethod"] = "selective",
        ["procedureType"] = "restricted",
        ["mainProcurementCategory"] = "goods",
        ["awardCriteria"] = "ratedCriteria",
        ["tenderTitle"] = "Protected mobility vehicles",
        ["tenderDescription"] = "Supply of 12 protected vehicles",
        ["tenderPeriodDays"] = 40,
        ["submissionMethod"] = "electronicSubmission",
        ["tenderDocumentsUrl"] = "https://tenders.example/pf-2026-0042",
        ["numberOfTenderers"] = 3,
        ["tenderers"] = new JsonArray(
            new JsonObject { ["name"] = "Nordic Armour AS", ["identifierScheme"] = "NO-BRC", ["identifierId"] = "923609016" },
            new JsonObject { ["name"] = "Kyiv Defence Works", ["identifierScheme"] = "UA-EDR", ["identifierId"] = "40123456" },
            new JsonObject { ["name"] = "Baltic Mobility SIA", ["identifierScheme"] = "XI-LEI", ["identifierId"] = "5299000J2N45DDNE4Y28" }),
        ["recommendedSupplierName"] = "Nordic Armour AS",
        ["recommendedSupplierScheme"] = "NO-BRC",
        ["recommendedSupplierId"] = "923609016",
        ["awardValue"] = 4_900_000,
        ["awardCurrency"] = "NOK",
        ["contractNumber"] = "FMA-C-2026-0042",
        ["dateSigned"] = "2026-06-01",
        ["contractValue"] = 4_900_000,
        ["contractCurrency"] = "NOK",
        ["contractStartDate"] = "2026-06-01",
        ["deliveryDeadline"] = "2026-07-15",
        ["contractEndDate"] = "2026-12-31",
        ["deliveryDate"] = "2026-07-10",
        ["paymentDate"] = "2026-08-20",
        ["paidAmount"] = 4_950_000,
        ["paymentReference"] = "PAY-77812",
        ["classifiedFields"] = new JsonArray(),
    };

    private static IEnumerable<JsonObject> Releases(JsonObject package) => package["releases"]!.AsArray().Select(r => r!.AsObject());

    private static IEnumerable<JsonNode> Descendants(JsonNode node) => node switch
    {
        JsonObject o => o.Select(p => p.Value).OfType<JsonNode>().SelectMany(Descendants).Prepend(node),
        JsonArray a => a.OfType<JsonNode>().SelectMany(Descendants).Prepend(node),
        _ => [node],
    };

    private static void AssertCode(JsonNode? value, string codelist)
    {
        if (value is not null)
        {
            Assert.Contains((string)value!, OcdsSchema.Codes(codelist));
        }
    }

    private static void AssertCodes(JsonArray values, string codelist)
    {
        foreach (var value in values)
        {
            AssertCode(value, codelist);
        }
    }
}
