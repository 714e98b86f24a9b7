using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ProcurementFlows.Workflows.Tests.Scenarios;

namespace ProcurementFlows.Workflows.Tests.Lifecycle;

/// <summary>
/// One defence procurement case from requirement to closeout through the real server: HTTP with bearer tokens of
/// officers in different groups, PostgreSQL, Hangfire, the registry sandbox, and a fake clock moved across months.
/// </summary>
public sealed class WholeLifecycleTests(LifecycleServer server) : IClassFixture<LifecycleServer>
{
    private const string CaseNumber = "PF-2026-0101";
    private const string ContractNumber = "FMA-C-2026-0101";

    private static JsonObject CleanSupplier() => new()
    {
        ["name"] = "Nordlys Forsvarsteknikk AS",
        ["country"] = "NO",
        ["identifierScheme"] = "NO-BRC",
        ["identifierId"] = "923456783",
        ["lei"] = "5493001NRDLYSFT9K236",
    };

    private static JsonObject SanctionedSupplier() => new()
    {
        ["name"] = "Volkov Arms Trading LLC",
        ["country"] = "RU",
        ["identifierScheme"] = "RU-OGRN",
        ["identifierId"] = "1187746000017",
    };

    [Fact]
    public async Task A_case_runs_from_requirement_to_closeout_through_the_server()
    {
        var rita = await Sign("rita");     // requirement owner, evaluator
        var bjorn = await Sign("bjorn");   // budget holder, award authority, signatory
        var olav = await Sign("olav");     // procurement and contracting officer
        var ingrid = await Sign("ingrid"); // compliance, security and export-control officer
        var siri = await Sign("siri");     // supervisor, approval authority (director tier)
        var per = await Sign("per");       // contract manager
        var eva = await Sign("eva");       // evaluator who is also a signatory
        var emil = await Sign("emil");     // evaluator
        var gunnar = await Sign("gunnar"); // GQA representative
        var anna = await Sign("anna");     // accounts payable

        // 1. Requirement, approval by another officer, strategy approved at the director tier (value above the section-head limit).
        var started = await rita.Post("/api/instances", new { processKey = "procurement-case", businessKey = CaseNumber });
        var id = (string)started["instanceId"]!;
        await rita.Do("Task_DefineRequirement", Vars.Of(
            ("requirementTitle", "Protected mobility vehicles"), ("requirementDescription", "12 protected vehicles for the home guard"), ("cpvCode", "35400000-1"),
            ("quantity", 12), ("unit", "vehicle"), ("estimatedValue", 3_200_000), ("currency", "NOK"), ("neededBy", "2026-12-01"),
            ("securityClassification", "restricted"), ("classifiedFields", new JsonArray("tender.value", "contracts.value")), ("justification", "Fleet replacement")), id);
        await bjorn.Do("Task_ApproveRequirement", Vars.Of(("requirementDecision", "approve"), ("budgetLine", "FMA-17")), id);
        await olav.Do("Task_AcquisitionStrategy", Vars.Of(
            ("procurementMethod", "selective"), ("procedureType", "restricted"), ("mainProcurementCategory", "goods"),
            ("estimatedValue", 3_200_000), ("lots", 1), ("awardCriteria", "ratedCriteria"), ("evaluationCriteria", "60 quality / 40 price"),
            ("acceleratedProcedure", true), ("accelerationJustification", "Home guard vehicles lost in the spring floods must be replaced before winter")), id);
        await siri.Do("Task_ApproveStrategyDirector", Vars.Of(("strategyDecision", "approve")), id);

        // 2. Accelerated restricted procedure: a call for competition with 15 days for requests to participate (the urgent
        //    minimum of Art. 33(7)); the two candidates who asked are vetted in parallel against the registry sandbox (Hangfire).
        await olav.Do("Task_MarketResearch", Vars.Of(("marketResearchSummary", "RFI on Doffin, 4 responses"), ("candidates", new JsonArray(CleanSupplier()))), id);
        await olav.Do("Task_PublishCallForCompetition", Vars.Of(
            ("contractNoticeReference", "2026/S 043-120011"), ("requestsPeriodDays", 15), ("minimumCandidates", 3),
            ("selectionCriteria", "Three years of comparable deliveries; positive equity; facility clearance")), id);
        Assert.Equal(LifecycleServer.Start.AddDays(15), await Timer(olav, id, "Timer_RequestsDeadline"));
        await AdvanceTo(LifecycleServer.Start.AddDays(15));
        await olav.Do("Task_RegisterRequests", Vars.Of(("numberOfRequests", 2), ("candidates", new JsonArray(CleanSupplier(), SanctionedSupplier()))), id);
        var review = await ingrid.WaitForTask("Task_ReviewFindings");
        var clearance = await ingrid.WaitForTask("Task_SecurityClearance");
        var sanctionedChild = (string)review["instanceId"]!;
        var cleanChild = (string)clearance["instanceId"]!;
        Assert.All(new[] { review, clearance }, t => Assert.Equal(CaseNumber, (string?)t["businessKey"])); // the inbox shows the case number
        var sanctionedVars = (await ingrid.Get($"/api/instances/{sanctionedChild}"))["variables"]!;
        Assert.Equal("Volkov Arms Trading LLC", (string?)sanctionedVars["supplier"]!["name"]);
        Assert.Equal("hit", (string?)sanctionedVars["sanctionsScreening"]!["status"]);
        var cleanVars = (await ingrid.Get($"/api/instances/{cleanChild}"))["variables"]!;
        Assert.Equal("Nordlys Forsvarsteknikk AS", (string?)cleanVars["supplier"]!["name"]);
        Assert.All(new[] { "companyLookup", "sanctionsScreening", "leiCheck", "exclusionsCheck" }, check => Assert.Equal("clear", (string?)cleanVars[check]!["status"]));
        Assert.Equal("brreg", (string?)cleanVars["companyLookup"]!["source"]!["registry"]);
        Assert.Contains(server.Sandbox.Requests.All, r => r.Path.Contains("923456783", StringComparison.Ordinal));

        await ingrid.Complete(review, Vars.Of(("complianceDecision", "exclude"), ("complianceRationale", "EU and OFAC sanctions listing; Art. 39(1) exclusion")));
        await ingrid.Complete(clearance, Vars.Of(("facilityClearanceLevel", "confidential"), ("clearanceReference", "NSM-2026-311"), ("securityClearanceOk", true)));
        await ingrid.Do("Task_ExportControl", Vars.Of(("endUserCertificateReceived", true), ("exportControlOk", true)), cleanChild);
        await olav.Do("Task_NcageVerification", Vars.Of(("ncageCode", "N4512"), ("ncageSource", "nspa-eportal"), ("ncageVerified", true)), cleanChild);

        // The supplier's self-declaration (ESPD) reaches its own vetting only: the key is the case number plus its identifier.
        var declaration = Vars.Of(("selfDeclaration", new JsonObject { ["espdReference"] = "ESPD-2026-311", ["exclusionGrounds"] = "none" }));
        using (var caseNumberOnly = await olav.Http.PostAsJsonAsync("/api/messages", new { messageName = "supplier-declaration", correlationKey = CaseNumber, variables = declaration }))
        {
            Assert.Equal(HttpStatusCode.NotFound, caseNumberOnly.StatusCode);
        }

        var declared = await olav.Post("/api/messages", new { messageName = "supplier-declaration", correlationKey = CaseNumber + "/NO-BRC-923456783", variables = declaration });
        Assert.Equal(cleanChild, (string?)Assert.Single(declared["delivered"]!.AsArray())!["instanceId"]);

        // 3. Only the qualified candidate can be shortlisted. The invitation to tender: bad form values are refused by the
        //    server (400 naming the fields), a period below the accelerated minimum of 10 days is sent back by the process
        //    with a message naming the field, then 25 days (closing on 11 April). A clarification question is answered.
        await olav.Do("Task_Shortlist", Vars.Of(("shortlist", new JsonArray("NO-BRC-923456783")), ("shortlistRationale", "The only qualified candidate")), id);
        var solicitation = await olav.WaitForTask("Task_PrepareSolicitation", id);
        using (var tooShort = await olav.Http.PostAsJsonAsync($"/api/tasks/{(string)solicitation["id"]!}/complete", new
        {
            variables = Vars.Of(("tenderTitle", "Protected mobility vehicles"), ("tenderDescription", "12 vehicles"), ("tenderPeriodDays", 400), ("submissionMethod", "pigeon")),
        }))
        {
            var problem = await tooShort.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
            Assert.Contains("tenderPeriodDays", problem, StringComparison.Ordinal);
            Assert.Contains("submissionMethod", problem, StringComparison.Ordinal);
        }

        await olav.Complete(solicitation, Vars.Of(
            ("tenderTitle", "Protected mobility vehicles"), ("tenderDescription", "12 vehicles, restricted procedure"), ("tenderPeriodDays", 9),
            ("submissionMethod", "electronicSubmission")));
        var sentBack = await olav.WaitForTask("Task_PrepareSolicitation", id, t => (string?)t["id"] != (string?)solicitation["id"]);
        var refusal = (await olav.Get($"/api/instances/{id}"))["variables"]!["tenderPeriodCheck"]!;
        Assert.False((bool)refusal["valid"]!);
        Assert.StartsWith("tenderPeriodDays: 9 days is below the minimum of 10 days", (string?)refusal["errors"]![0], StringComparison.Ordinal);
        Assert.Null(await Timer(olav, id, "Timer_TenderClosing", expectPresent: false));
        await olav.Complete(sentBack, Vars.Of(
            ("tenderTitle", "Protected mobility vehicles"), ("tenderDescription", "12 vehicles, restricted procedure"), ("tenderPeriodDays", 25),
            ("submissionMethod", "electronicSubmission")));
        Assert.Equal(LifecycleServer.Start.AddDays(40), await Timer(olav, id, "Timer_TenderClosing"));
        var vettingResults = (await olav.Get($"/api/instances/{id}"))["variables"]!["vettingResults"]!.AsArray();
        Assert.Equal(["excluded", "qualified"], vettingResults.Select(r => (string)r!["decision"]!).Order(StringComparer.Ordinal));
        await olav.Post("/api/messages", new { messageName = "clarification-question", correlationKey = CaseNumber, variables = Vars.Of(("question", "Is a diesel-electric variant acceptable?")) });
        await olav.Do("Task_AnswerClarification", Vars.Of(("answer", "Yes, if the range requirement is met"), ("amendsSolicitation", false)), id);

        await AdvanceTo(LifecycleServer.Start.AddDays(40).AddHours(1));

        // 4. Tenders opened; a panel of three evaluators declares conflicts and scores; one award decision (below the four-eyes limit).
        await olav.Do("Task_OpenTenders", Vars.Of(("numberOfTenderers", 1), ("tenderers", new JsonArray(new JsonObject
        {
            ["name"] = "Nordlys Forsvarsteknikk AS",
            ["identifierScheme"] = "NO-BRC",
            ["identifierId"] = "923456783",
            ["tenderValue"] = 3_000_000,
        }))), id);
        await olav.Do("Task_AppointPanel", Vars.Of(("evaluationPanel", new JsonArray(
            new JsonObject { ["userId"] = "rita", ["name"] = "Rita", ["team"] = "technical" },
            new JsonObject { ["userId"] = "eva", ["name"] = "Eva", ["team"] = "commercial" },
            new JsonObject { ["userId"] = "emil", ["name"] = "Emil", ["team"] = "chair" }))), id);
        Officer[] panel = [rita, eva, emil];
        foreach (var member in panel)
        {
            await member.Do("Task_DeclareConflict", Vars.Of(("conflictOfInterest", "none"), ("confidentialityUndertaking", true)), id);
        }

        foreach (var member in panel)
        {
            await member.Do("Task_EvaluateTenders", Vars.Of(("technicalScore", 82), ("priceScore", 90), ("preferredTenderer", "923456783"), ("evaluationNotes", "Meets all requirements")), id);
        }

        await olav.Do("Task_ConsolidateEvaluation", Vars.Of(
            ("recommendedSupplierName", "Nordlys Forsvarsteknikk AS"), ("recommendedSupplierScheme", "NO-BRC"), ("recommendedSupplierId", "923456783"),
            ("awardValue", 3_000_000), ("awardCurrency", "NOK"), ("evaluationReport", "Best price-quality ratio")), id);
        await bjorn.Do("Task_AwardDecision", Vars.Of(("awardDecision", "approve"), ("awardDecisionComment", "Per evaluation report")), id);
        await olav.Do("Task_NotifyAward", Vars.Of(("awardNoticeDate", "2026-04-11T10:00:00Z"), ("noticeSentElectronically", true), ("unsuccessfulTenderersNotified", true)), id);

        // 5. Standstill of ten calendar days from the day after the notice (12-21 April), interrupted on day three by a
        //    review application; once it is dismissed the rest of the standstill runs, then signature.
        var standstillEnd = new DateTimeOffset(2026, 4, 22, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(standstillEnd, await Timer(olav, id, "Timer_StandstillEnds"));
        await AdvanceTo(server.Clock.GetUtcNow().AddDays(3));
        var delivered = await olav.Post("/api/messages", new { messageName = "review-application", correlationKey = CaseNumber, variables = Vars.Of(("reviewBody", "KOFA")) });
        Assert.Equal(id, (string?)Assert.Single(delivered["delivered"]!.AsArray())!["instanceId"]);
        Assert.Null(await Timer(olav, id, "Timer_StandstillEnds", expectPresent: false));
        await olav.Do("Task_HandleReview", Vars.Of(("reviewBody", "KOFA"), ("reviewReference", "2026/117"), ("reviewSummary", "Scoring of the quality criteria"), ("reviewOutcome", "dismissed")), id);
        Assert.Equal(standstillEnd, await Timer(olav, id, "Timer_StandstillEnds"));
        Assert.Empty((await bjorn.Get($"/api/tasks?scope=all&activityId=Task_SignContract"))["items"]!.AsArray());
        await AdvanceTo(standstillEnd);

        var signature = await bjorn.WaitForTask("Task_SignContract", id);
        var contract = Vars.Of(
            ("contractNumber", ContractNumber), ("dateSigned", "2026-04-20"), ("contractValue", 3_000_000), ("contractCurrency", "NOK"),
            ("orderedQuantity", 12), ("contractStartDate", "2026-04-20"), ("deliveryDeadline", "2026-07-15"), ("contractEndDate", "2026-12-31"));
        using (var refused = await eva.Http.PostAsJsonAsync($"/api/tasks/{(string)signature["id"]!}/complete", new { variables = contract }))
        {
            var problem = await refused.Content.ReadAsStringAsync();
            Assert.False(refused.IsSuccessStatusCode, problem);
            Assert.Contains("task.segregation-of-duties", problem, StringComparison.Ordinal); // an evaluator may not sign
        }

        await bjorn.Complete(signature, contract);

        // 6. Delivery: a reminder five working days before the deadline, an escalation to supervisors after it.
        var delivery = await per.WaitForTask("Task_ReceiveDelivery", id);
        await AdvanceTo(new DateTimeOffset(2026, 7, 8, 8, 0, 0, TimeSpan.Zero));
        var reminded = await Officer.Eventually("the delivery reminder on the task page", async () =>
        {
            var page = await per.Get($"/api/tasks/{(string)delivery["id"]!}");
            return page["case"]!["history"]!.AsArray().Any(h => Is(h!.AsObject(), "TimerFired", "Timer_DeliveryReminder")) ? page : null;
        });
        Assert.Equal(0, (int)reminded["task"]!["escalationLevel"]!);
        Assert.Equal(new DateTimeOffset(2026, 7, 15, 0, 0, 0, TimeSpan.Zero), DateTimeOffset.Parse((string)reminded["task"]!["dueAt"]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.DoesNotContain((await siri.Get("/api/supervision/tasks?escalated=true"))["items"]!.AsArray(), t => (string?)t!["id"] == (string?)delivery["id"]);

        await AdvanceTo(new DateTimeOffset(2026, 7, 15, 8, 0, 0, TimeSpan.Zero));
        var escalated = await Officer.Eventually("the delivery escalation", async () =>
            (await siri.Get("/api/supervision/tasks?escalated=true&overdue=true"))["items"]!.AsArray().FirstOrDefault(t => (string?)t!["id"] == (string?)delivery["id"]));
        Assert.Equal(1, (int)escalated["escalationLevel"]!);
        Assert.Contains((await siri.Get("/api/supervision/workload?group=contract-managers")).AsArray(), w => (int)w!["escalated"]! >= 1);
        await per.Complete(delivery, Vars.Of(("deliveryDate", "2026-07-16"), ("goodsReceiptNumber", "GR-881"), ("receivedQuantity", 12)));

        // 7. Government quality assurance: a non-conformity, reworked by the supplier (message), re-inspected and accepted.
        var gqa = await per.WaitForTask("Task_RequestGqa");
        var qa = (string)gqa["instanceId"]!;
        await per.Complete(gqa, Vars.Of(("deliverable", "12 protected vehicles"), ("riskLevel", "high"), ("gqaProvider", "national"), ("supplierNation", "NO"), ("riskAssessment", "Ballistic protection")));
        await gunnar.Do("Task_RespondGqaRequest", Vars.Of(("gqaResponse", "accept")), qa);
        await gunnar.Do("Task_PlanGqa", Vars.Of(("aqapRequirements", new JsonArray("AQAP-2110", "AQAP-2131")), ("inspectionPoints", "Final inspection"), ("qualityPlanApproved", true)), qa);
        await gunnar.Do("Task_Inspect", Vars.Of(("inspectionDate", "2026-07-17"), ("inspectionResult", "nonconforming"), ("nonconformities", "Hatch welds"), ("inspectionReport", "IR-2026-17")), qa);
        await per.Do("Task_Disposition", Vars.Of(("disposition", "rework"), ("rootCause", "Welding procedure not qualified")), qa);
        // The supplier reports the rework against its contract number: the case number alone is not the key of this message.
        using (var wrongKey = await olav.Http.PostAsJsonAsync("/api/messages", new { messageName = "rework-completed", correlationKey = CaseNumber }))
        {
            Assert.Equal(HttpStatusCode.NotFound, wrongKey.StatusCode);
        }

        var reworked = await olav.Post("/api/messages", new { messageName = "rework-completed", correlationKey = ContractNumber, variables = Vars.Of(("reworkReport", "Hatches rewelded")) });
        Assert.Equal(qa, (string?)Assert.Single(reworked["delivered"]!.AsArray())!["instanceId"]);
        await gunnar.Do("Task_Inspect", Vars.Of(("inspectionDate", "2026-07-24"), ("inspectionResult", "conforming"), ("inspectionReport", "IR-2026-18")), qa);
        await gunnar.Do("Task_ReviewCoc", Vars.Of(("cocNumber", "CoC-2026-88"), ("cocComplete", true)), qa);
        await per.Do("Task_AcceptDelivery", Vars.Of(("acceptanceDate", "2026-07-27"), ("acceptedQuantity", 12)), qa);

        // 8. Invoice three-way match, payment approval by someone who neither received nor registered, payment, closeout.
        await anna.Do("Task_RegisterInvoice", Vars.Of(
            ("invoiceNumber", "INV-5531"), ("invoiceDate", "2026-07-28"), ("purchaseOrderNumber", ContractNumber),
            ("invoiceAmount", 3_000_000), ("invoiceCurrency", "NOK"), ("invoicedQuantity", 12)), id);
        await bjorn.Do("Task_ApprovePayment", Vars.Of(("paymentDecision", "approve")), id);
        await anna.Do("Task_RecordPayment", Vars.Of(("paymentDate", "2026-08-20"), ("paidAmount", 3_000_000), ("paymentReference", "PAY-77812")), id);
        await per.Do("Task_Closeout", Vars.Of(("finalContractValue", 3_000_000), ("supplierPerformance", "met"), ("recordsArchived", true)), id);

        // The path taken, the audit chains and the OCDS export of the case.
        var detail = await olav.Get($"/api/instances/{id}");
        Assert.Equal("Completed", (string?)detail["instance"]!["status"]);
        var history = await History(olav, id);
        Assert.Equal(
        [
            "Task_DefineRequirement", "Task_ApproveRequirement", "Task_AcquisitionStrategy", "Task_ApproveStrategyDirector", "Task_MarketResearch",
            "Task_PublishCallForCompetition", "Task_RegisterRequests", "Task_Shortlist",
            "Task_PrepareSolicitation", "Task_PrepareSolicitation", "Task_AnswerClarification", "Task_OpenTenders", "Task_AppointPanel",
            "Task_DeclareConflict", "Task_DeclareConflict", "Task_DeclareConflict", "Task_EvaluateTenders", "Task_EvaluateTenders", "Task_EvaluateTenders",
            "Task_ConsolidateEvaluation", "Task_AwardDecision", "Task_NotifyAward", "Task_HandleReview", "Task_SignContract", "Task_ReceiveDelivery",
            "Task_RegisterInvoice", "Task_ApprovePayment", "Task_RecordPayment", "Task_Closeout",
        ], history.Where(h => (string?)h["type"] == "TaskCompleted").Select(h => (string)h["activityId"]!));
        Assert.Contains(history, h => Is(h, "TimerFired", "Timer_RequestsDeadline"));
        Assert.Contains(history, h => Is(h, "TimerFired", "Timer_TenderClosing"));
        Assert.Contains(history, h => Is(h, "TimerFired", "Timer_DeliveryOverdue"));
        Assert.Contains(history, h => Is(h, "MessageReceived", "Message_ReviewApplicationReceived"));
        Assert.Contains(history, h => Is(h, "TimerFired", "Timer_StandstillEnds"));
        Assert.Equal(
            ["Task_RequestGqa", "Task_RespondGqaRequest", "Task_PlanGqa", "Task_Inspect", "Task_Disposition", "Task_Inspect", "Task_ReviewCoc", "Task_AcceptDelivery"],
            (await History(olav, qa)).Where(h => (string?)h["type"] == "TaskCompleted").Select(h => (string)h["activityId"]!));
        Assert.Contains(await History(olav, sanctionedChild), h => (string?)h["activityId"] == "End_SupplierExcluded");
        Assert.Contains(await History(olav, cleanChild), h => (string?)h["activityId"] == "End_SupplierQualified");

        foreach (var instance in new[] { id, cleanChild, sanctionedChild, qa })
        {
            var audit = await siri.Get($"/api/instances/{instance}/audit/verify");
            Assert.True((bool)audit["isValid"]!, audit.ToJsonString());
            Assert.True((long)audit["entriesChecked"]! > 5);
        }

        var package = (await olav.Get($"/api/instances/{id}/ocds")).AsObject();
        Assert.Empty(OcdsSchema.Validate(package));
        var releases = package["releases"]!.AsArray().Select(r => r!.AsObject()).ToArray();
        Assert.Equal(
            ["planning", "tender", "award", "awardUpdate", "contract", "implementation", "implementationUpdate", "implementationUpdate", "contractTermination"],
            releases.Select(r => (string)r["tag"]![0]!));
        Assert.All(releases, r => Assert.EndsWith("-" + CaseNumber, (string)r["ocid"]!, StringComparison.Ordinal));
        var closed = releases[^1];
        var supplier = closed["parties"]!.AsArray().Single(p => p!["roles"]!.AsArray().Any(r => (string?)r == "supplier"))!;
        Assert.Equal("NO-BRC", (string?)supplier["identifier"]!["scheme"]);
        Assert.Equal("923456783", (string?)supplier["identifier"]!["id"]);
        Assert.DoesNotContain(closed["parties"]!.AsArray(), p => ((string?)p!["name"])?.Contains("Volkov", StringComparison.Ordinal) == true);
        Assert.Equal("terminated", (string?)closed["contracts"]![0]!["status"]);
        // the values the requirement owner classified are withheld from every release
        Assert.All(releases, r => Assert.Null(r["tender"]!["value"]));
        Assert.All(releases, r => Assert.All(r["contracts"]?.AsArray() ?? [], c => Assert.Null(c!["value"])));
        Assert.Equal(3_000_000m, (decimal)closed["awards"]![0]!["value"]!["amount"]!);
    }

    private async Task<Officer> Sign(string user) => new(user, await server.ClientFor(user));

    /// <summary>Moves the fake clock and fires what became due (the sweep would do the same within its interval).</summary>
    private async Task AdvanceTo(DateTimeOffset when)
    {
        server.Clock.SetUtcNow(when);
        await server.FireDueTimersAsync();
    }

    private static async Task<DateTimeOffset?> Timer(Officer officer, string instanceId, string activityId, bool expectPresent = true)
    {
        var timers = (await officer.Get($"/api/instances/{instanceId}"))["pendingTimers"]!.AsArray();
        var timer = timers.FirstOrDefault(t => (string?)t!["activityId"] == activityId);
        Assert.Equal(expectPresent, timer is not null);
        return timer is null ? null : DateTimeOffset.Parse((string)timer["dueAt"]!, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<JsonObject[]> History(Officer officer, string instanceId) =>
        (await officer.Get($"/api/instances/{instanceId}/history")).AsArray().Select(h => h!.AsObject()).ToArray();

    private static bool Is(JsonObject entry, string type, string activityId) =>
        (string?)entry["type"] == type && (string?)entry["activityId"] == activityId;
}
