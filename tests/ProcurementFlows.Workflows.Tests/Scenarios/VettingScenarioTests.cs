using System.Text.Json.Nodes;
using ProcurementFlows.Engine;

namespace ProcurementFlows.Workflows.Tests.Scenarios;

public sealed class VettingScenarioTests
{
    internal static readonly string[] Topics = ["registry.company-lookup", "registry.sanctions-screening", "registry.lei-check", "registry.exclusions-check"];
    internal static readonly string[] Compliance = ["compliance-officers"];

    [Fact]
    public void A_clean_supplier_passes_the_registries_and_the_human_checks_and_is_qualified()
    {
        var run = new CaseRunner();
        var id = run.Start("supplier-vetting", "paula", Vars.Of(("supplier", CleanSupplier())));

        Assert.Equal(Topics.Order(StringComparer.Ordinal), run[id].ServiceJobs.Select(j => j.Topic).Order(StringComparer.Ordinal));
        var input = run.Effects.OfType<ServiceTaskDispatched>().First(d => d.Topic == "registry.company-lookup").Input;
        Assert.Equal("923609016", (string?)input["registrationNumber"]);
        AnswerRegistries(run, id, sanctions: "clear");
        PassHumanChecks(run, id);

        Assert.Equal(InstanceStatus.Completed, run[id].Status);
        Assert.True((bool)run[id].Variables["vettingOutcome"]!["qualified"]!);
        Assert.Equal("clear", (string?)run[id].Variables["sanctionsScreening"]!["status"]);
    }

    [Fact]
    public void A_sanctions_hit_goes_to_a_compliance_officer_who_excludes_the_supplier()
    {
        var run = new CaseRunner();
        var id = run.Start("supplier-vetting", "paula", Vars.Of(("supplier", SanctionedSupplier())));
        AnswerRegistries(run, id, sanctions: "hit");

        Assert.Empty(run.OpenTasks("Task_SecurityClearance", id));
        run.Complete("Task_ReviewFindings", "cora", Compliance, Vars.Of(("complianceDecision", "exclude"), ("complianceRationale", "EU FSF listing, Art. 39(1)")));

        Assert.Equal(InstanceStatus.Completed, run[id].Status);
        Assert.False((bool)run[id].Variables["vettingOutcome"]!["qualified"]!);
        Assert.Equal("excluded", (string?)run[id].Variables["vettingOutcome"]!["decision"]);
    }

    [Fact]
    public void Clearing_a_hit_needs_a_second_compliance_officer()
    {
        var run = new CaseRunner();
        var id = run.Start("supplier-vetting", "paula", Vars.Of(("supplier", CleanSupplier())));
        AnswerRegistries(run, id, sanctions: "needs-review");
        run.Complete("Task_ReviewFindings", "cora", Compliance, Vars.Of(("complianceDecision", "clear"), ("complianceRationale", "Name match only; different entity")));

        var error = Assert.Throws<CommandRejectedException>(() =>
            run.Complete("Task_SecondReview", "cora", Compliance, Vars.Of(("secondReviewDecision", "confirm"), ("secondReviewComment", "ok"))));
        Assert.Equal("task.segregation-of-duties", error.Code);

        run.Complete("Task_SecondReview", "carla", Compliance, Vars.Of(("secondReviewDecision", "confirm"), ("secondReviewComment", "Agree: false positive")));
        PassHumanChecks(run, id);
        Assert.True((bool)run[id].Variables["vettingOutcome"]!["qualified"]!);
    }

    [Fact]
    public void A_registry_outage_becomes_an_incident_and_after_the_deadline_a_manual_verification()
    {
        var run = new CaseRunner();
        var id = run.Start("supplier-vetting", "paula", Vars.Of(("supplier", CleanSupplier())));
        AnswerRegistries(run, id, sanctions: "clear", skip: "registry.company-lookup");

        for (var attempt = 0; attempt < 3 && run[id].Incidents.Count == 0; attempt++)
        {
            var job = Assert.Single(run[id].ServiceJobs, j => j.Topic == "registry.company-lookup");
            run.Run(id, new FailServiceTask(job.Id, "503 from Brønnøysund", null, Retryable: true));
        }

        var incident = Assert.Single(run[id].Incidents);
        Assert.Equal("ServiceTask_CompanyLookup", incident.ActivityId);
        run.FireTimer("Timer_RegistryDeadline", id);

        Assert.Empty(run[id].ServiceJobs);
        run.Complete("Task_ManualVerification", "cora", Compliance, Vars.Of(
            ("manualCompanyStatus", "clear"), ("manualSanctionsStatus", "clear"), ("manualLeiStatus", "clear"),
            ("manualExclusionsStatus", "clear"), ("manualEvidence", "Checked brreg.no by hand")));
        Assert.Equal("manual", (string?)run[id].Variables["companyLookup"]!["source"]);
        PassHumanChecks(run, id);
        Assert.True((bool)run[id].Variables["vettingOutcome"]!["qualified"]!);
    }

    internal static void AnswerRegistries(CaseRunner run, string instanceId, string sanctions, string? skip = null)
    {
        foreach (var topic in Topics.Where(t => t != skip))
        {
            var status = topic == "registry.sanctions-screening" ? sanctions : "clear";
            run.CompleteJob(instanceId, topic, Vars.Of(("findings", new JsonObject
            {
                ["status"] = status,
                ["source"] = topic,
                ["retrievedAt"] = "2026-03-02T08:00:00Z",
            })));
        }
    }

    [Fact]
    public void Each_candidate_waits_for_its_own_self_declaration_and_declared_exclusion_grounds_exclude_it()
    {
        var run = new CaseRunner();
        var clean = run.Start("supplier-vetting", "paula", Vars.Of(("supplier", CleanSupplier())));
        var other = run.Start("supplier-vetting", "paula", Vars.Of(("supplier", SanctionedSupplier())));
        AnswerRegistries(run, clean, sanctions: "clear");
        AnswerRegistries(run, other, sanctions: "clear");

        // the same message name in two vetting instances of one case: the supplier's identifier tells them apart
        Assert.Equal("PF-2026-0042/NO-BRC-923609016", Assert.Single(run[clean].MessageSubscriptions).CorrelationKey);
        Assert.Equal("PF-2026-0042/NO-BRC-999888777", Assert.Single(run[other].MessageSubscriptions).CorrelationKey);

        run.Complete("Task_SecurityClearance", "sven", ["security-officers"], Vars.Of(("facilityClearanceLevel", "confidential"), ("securityClearanceOk", true)), clean);
        run.Complete("Task_ExportControl", "erik", ["export-control-officers"], Vars.Of(("exportControlOk", true)), clean);
        run.Complete("Task_NcageVerification", "paula", ["procurement-officers"], Vars.Of(("ncageCode", "N1234"), ("ncageSource", "nspa-eportal"), ("ncageVerified", true)), clean);
        Assert.Equal(InstanceStatus.Active, run[clean].Status); // every check passed, but no declaration yet

        run.Deliver("supplier-declaration", Vars.Of(("selfDeclaration", new JsonObject { ["espdReference"] = "ESPD-77", ["exclusionGrounds"] = "declared", ["declaredGrounds"] = new JsonArray("corruption") })), clean);
        Assert.Equal(InstanceStatus.Completed, run[clean].Status);
        Assert.Equal("excluded", (string?)run[clean].Variables["vettingOutcome"]!["decision"]);
    }

    [Theory]
    [InlineData("no-response", "excluded")]
    [InlineData("grounds-found", "excluded")]
    [InlineData("certificates-clear", "qualified")]
    public void A_supplier_who_never_declares_is_reminded_and_after_the_deadline_a_compliance_officer_verifies_or_excludes(string finding, string decision)
    {
        var run = new CaseRunner(); // Monday 2 March 2026, 08:00
        var id = run.Start("supplier-vetting", "paula", Vars.Of(("supplier", CleanSupplier())));
        AnswerRegistries(run, id, sanctions: "clear");

        // five working days, then ten working days (Norwegian calendar)
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 8, 0, 0, TimeSpan.Zero), Assert.Single(run[id].Timers, t => t.ActivityId == "Timer_EspdReminder").DueAt);
        Assert.Equal(new DateTimeOffset(2026, 3, 16, 8, 0, 0, TimeSpan.Zero), Assert.Single(run[id].Timers, t => t.ActivityId == "Timer_EspdDeadline").DueAt);
        run.FireTimer("Timer_EspdReminder", id);
        var reminder = Assert.Single(run.Effects.OfType<MessagePublished>(), m => m.MessageName == "espd-reminder");
        Assert.Equal("PF-2026-0042/NO-BRC-923609016", reminder.CorrelationKey);
        Assert.Single(run[id].MessageSubscriptions, s => s.MessageName == "supplier-declaration"); // still waiting after the reminder

        run.FireTimer("Timer_EspdDeadline", id);
        Assert.Empty(run[id].MessageSubscriptions);
        run.Complete("Task_SecurityClearance", "sven", ["security-officers"], Vars.Of(("facilityClearanceLevel", "confidential"), ("securityClearanceOk", true)), id);
        run.Complete("Task_ExportControl", "erik", ["export-control-officers"], Vars.Of(("exportControlOk", true)), id);
        run.Complete("Task_NcageVerification", "paula", ["procurement-officers"], Vars.Of(("ncageCode", "N1234"), ("ncageSource", "nspa-eportal"), ("ncageVerified", true)), id);
        Assert.Equal(InstanceStatus.Active, run[id].Status);
        var task = run.Task("Task_VerifyExclusionGrounds", id);
        Assert.Equal(["compliance-officers"], task.CandidateGroups);
        run.Complete(task, "cora", Compliance, Vars.Of(("exclusionGroundsFinding", finding), ("exclusionEvidence", "Politiattest and skatteattest requested 16 March")));

        Assert.Equal(InstanceStatus.Completed, run[id].Status);
        Assert.Equal(decision, (string?)run[id].Variables["vettingOutcome"]!["decision"]);
        Assert.Equal("manual", (string?)run[id].Variables["selfDeclaration"]!["source"]);
    }

    [Fact]
    public void A_declaration_before_the_deadline_cancels_the_reminder_and_the_deadline()
    {
        var run = new CaseRunner();
        var id = run.Start("supplier-vetting", "paula", Vars.Of(("supplier", CleanSupplier())));
        AnswerRegistries(run, id, sanctions: "clear");
        run.Deliver("supplier-declaration", Vars.Of(("selfDeclaration", new JsonObject { ["espdReference"] = "ESPD-1", ["exclusionGrounds"] = "none" })), id);

        Assert.DoesNotContain(run[id].Timers, t => t.ActivityId is "Timer_EspdReminder" or "Timer_EspdDeadline");
        Assert.Empty(run.OpenTasks("Task_VerifyExclusionGrounds", id));
    }

    internal static void PassHumanChecks(CaseRunner run, string instanceId)

    {
        run.Deliver("supplier-declaration", Vars.Of(("selfDeclaration", new JsonObject { ["espdReference"] = "ESPD-2026-11", ["exclusionGrounds"] = "none" })), instanceId);
        run.Complete("Task_SecurityClearance", "sven", ["security-officers"], Vars.Of(("facilityClearanceLevel", "confidential"), ("securityClearanceOk", true)), instanceId);
        run.Complete("Task_ExportControl", "erik", ["export-control-officers"], Vars.Of(("exportControlOk", true)), instanceId);
        run.Complete("Task_NcageVerification", "paula", ["procurement-officers"], Vars.Of(("ncageCode", "N1234"), ("ncageSource", "nspa-eportal"), ("ncageVerified", true)), instanceId);
    }

    internal static JsonObject CleanSupplier() => new()
    {
        ["name"] = "Nordic Armour AS",
        ["country"] = "NO",
        ["identifierScheme"] = "NO-BRC",
        ["identifierId"] = "923609016",
        ["lei"] = "5299000J2N45DDNE4Y28",
    };

    internal static JsonObject SanctionedSupplier() => new()
    {
        ["name"] = "Volga Arms LLC",
        ["country"] = "NO",
        ["identifierScheme"] = "NO-BRC",
        ["identifierId"] = "999888777",
    };
}
