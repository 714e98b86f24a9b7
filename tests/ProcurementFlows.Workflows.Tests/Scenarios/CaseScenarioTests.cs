using System.Text.Json.Nodes;
using ProcurementFlows.Engine;
using static ProcurementFlows.Workflows.Tests.Scenarios.RequirementScenarioTests;

namespace ProcurementFlows.Workflows.Tests.Scenarios;

/// <summary>The main process end to end in memory: several officers, vetting children, tender, panel, award, standstill, signature.</summary>
public sealed class CaseScenarioTests
{
    private static readonly string[] Procurement = ["procurement-officers"];
    private static readonly string[] Contracting = ["contracting-officers"];
    private static readonly string[] Evaluators = ["evaluators"];
    private static readonly string[] AwardAuthority = ["award-authority"];
    private static readonly string[] Signatories = ["signatories"];

    [Fact]
    public void Vetting_runs_once_per_candidate_and_only_a_qualified_supplier_lets_the_tender_start()
    {
        var (run, id) = ToVetting();

        var children = run.Instances.Where(i => i.ProcessKey == "supplier-vetting").ToArray();
        Assert.Equal(2, children.Length);
        Assert.All(children, c => Assert.Equal("PF-2026-0042", c.BusinessKey));
        var clean = children.Single(c => (string?)c.Variables["supplier"]!["name"] == "Nordic Armour AS").InstanceId;
        var sanctioned = children.Single(c => (string?)c.Variables["supplier"]!["name"] == "Volga Arms LLC").InstanceId;
        VettingScenarioTests.AnswerRegistries(run, sanctioned, sanctions: "hit");
        run.Complete("Task_ReviewFindings", "cora", VettingScenarioTests.Compliance, Vars.Of(("complianceDecision", "exclude"), ("complianceRationale", "EU FSF listing")), sanctioned);
        Assert.Empty(run.OpenTasks("Task_Shortlist", id)); // still waiting for the other candidate

        VettingScenarioTests.AnswerRegistries(run, clean, sanctions: "clear");
        VettingScenarioTests.PassHumanChecks(run, clean);

        var results = run[id].Variables["vettingResults"]!.AsArray();
        Assert.Equal(2, results.Count);
        Assert.Equal(["excluded", "qualified"], results.Select(r => (string)r!["decision"]!).Order(StringComparer.Ordinal));
        // the restricted procedure shortlists among the qualified candidates before the invitation to tender
        Assert.Equal("NO-BRC-923609016", (string?)Assert.Single(run[id].Variables["qualifiedCandidates"]!.AsArray())!["value"]);
        Assert.Single(run.OpenTasks("Task_Shortlist", id));
    }

    [Fact]
    public void Clarification_questions_are_answered_while_the_tender_period_runs()
    {
        var (run, id) = ToTenderPeriod();
        var closing = Assert.Single(run[id].Timers, t => t.ActivityId == "Timer_TenderClosing");
        Assert.Equal(run.Clock.GetUtcNow().AddDays(40), closing.DueAt);

        run.Deliver("clarification-question", Vars.Of(("question", "Is a diesel variant acceptable?")), id);
        run.Deliver("clarification-question", Vars.Of(("question", "May we bid for part of the quantity?")), id);
        Assert.Equal(2, run.OpenTasks("Task_AnswerClarification", id).Count);
        foreach (var task in run.OpenTasks("Task_AnswerClarification", id))
        {
            run.Complete(task, "paula", Procurement, Vars.Of(("answer", "See amended specification"), ("amendsSolicitation", true)));
        }

        Assert.Equal(2, run.Effects.OfType<MessagePublished>().Count(m => m.MessageName == "clarification-answer"));
        run.FireTimer("Timer_TenderClosing", id);
        Assert.Single(run.OpenTasks("Task_OpenTenders", id));
    }

    [Fact]
    public void Clarification_answers_are_due_six_days_before_the_tender_deadline_at_the_latest()
    {
        // requests to participate from Monday 2 March for 37 days; the invitation goes out on Wednesday 8 April and the
        // 40-day tender period closes on Monday 18 May, 08:00
        var (run, id) = ToTenderPeriod();
        Assert.Equal(new DateTimeOffset(2026, 5, 18, 8, 0, 0, TimeSpan.Zero), Assert.Single(run[id].Timers, t => t.ActivityId == "Timer_TenderClosing").DueAt);

        run.Deliver("clarification-question", Vars.Of(("question", "Early")), id);
        Assert.Equal(new DateTimeOffset(2026, 4, 10, 8, 0, 0, TimeSpan.Zero), run.Task("Task_AnswerClarification", id).DueDate); // two working days
        run.Complete("Task_AnswerClarification", "paula", Procurement, Vars.Of(("answer", "Yes")), id);

        // Monday 11 May: two working days would be 13 May, past the six-day limit of 12 May
        run.Clock.SetUtcNow(new DateTimeOffset(2026, 5, 11, 8, 0, 0, TimeSpan.Zero));
        run.Deliver("clarification-question", Vars.Of(("question", "Close to the deadline")), id);
        var late = run.Task("Task_AnswerClarification", id);
        Assert.Equal(new DateTimeOffset(2026, 5, 12, 8, 0, 0, TimeSpan.Zero), late.DueDate);
        Assert.Equal(late.DueDate, Assert.Single(run[id].Timers, t => t.ActivityId == "Timer_AnswerClarification_Overdue").DueAt);
    }

    [Fact]
    public void An_award_above_the_threshold_needs_two_different_approvers()
    {
        var (run, id) = ToAward(awardValue: 12_000_000);

        run.Complete("Task_AwardDecisionFirst", "ada", AwardAuthority, Award("approve"));
        var error = Assert.Throws<CommandRejectedException>(() => run.Complete("Task_AwardDecisionSecond", "ada", AwardAuthority, Award("approve")));
        Assert.Equal("task.segregation-of-duties", error.Code);
        Assert.Empty(run.OpenTasks("Task_NotifyAward", id));

        run.Complete("Task_AwardDecisionSecond", "abel", AwardAuthority, Award("approve"));
        Assert.Single(run.OpenTasks("Task_NotifyAward", id));
    }

    [Fact]
    public void An_award_below_the_threshold_needs_one_approver_and_an_evaluator_may_not_decide_it()
    {
        var (run, id) = ToAward(awardValue: 3_000_000);

        Assert.Empty(run.OpenTasks("Task_AwardDecisionFirst", id));
        var error = Assert.Throws<CommandRejectedException>(() => run.Complete("Task_AwardDecision", "eve", ["award-authority", "evaluators"], Award("approve")));
        Assert.Equal("task.segregation-of-duties", error.Code);
        run.Complete("Task_AwardDecision", "ada", AwardAuthority, Award("approve"));
        Assert.Single(run.OpenTasks("Task_NotifyAward", id));
    }

    [Fact]
    public void A_recused_evaluator_is_replaced_before_the_evaluation_is_consolidated()
    {
        var (run, id) = ToPanel();
        var tasks = run.OpenTasks("Task_DeclareConflict", id);
        Assert.Equal(["evan", "eve", "ewa"], tasks.Select(t => t.Assignee!).Order(StringComparer.Ordinal));
        foreach (var task in tasks)
        {
            var conflict = task.Assignee == "ewa" ? "declared" : "none";
            run.Complete(task, task.Assignee!, Evaluators, Vars.Of(("conflictOfInterest", conflict), ("confidentialityUndertaking", true)));
        }

        foreach (var task in run.OpenTasks("Task_EvaluateTenders", id))
        {
            run.Complete(task, task.Assignee!, Evaluators, Scores());
        }

        // two valid evaluations are fewer than three: back to the panel
        Assert.Single(run.OpenTasks("Task_AppointPanel", id));
        Assert.Empty(run.OpenTasks("Task_ConsolidateEvaluation", id));
    }

    [Fact]
    public void The_standstill_ends_after_ten_days_and_an_evaluator_cannot_sign_the_contract()
    {
        var (run, id) = ToAward(awardValue: 3_000_000);
        run.Complete("Task_AwardDecision", "ada", AwardAuthority, Award("approve"));
        run.Complete("Task_NotifyAward", "paula", Procurement, Vars.Of(("awardNoticeDate", "2026-06-01T10:00Z"), ("noticeSentElectronically", true), ("unsuccessfulTenderersNotified", true)));

        // ten calendar days counted from the day after the notice was sent (1 June): over at the start of 12 June
        var standstill = Assert.Single(run[id].Timers, t => t.ActivityId == "Timer_StandstillEnds");
        Assert.Equal(new DateTimeOffset(2026, 6, 12, 0, 0, 0, TimeSpan.Zero), standstill.DueAt);
        run.FireTimer("Timer_StandstillEnds", id);

        var error = Assert.Throws<CommandRejectedException>(() => run.Complete("Task_SignContract", "eve", ["signatories", "evaluators"], Contract()));
        Assert.Equal("task.segregation-of-duties", error.Code);
        run.Complete("Task_SignContract", "sigrid", Signatories, Contract());
        Assert.Single(run.OpenTasks("Task_ReceiveDelivery", id));
        Assert.DoesNotContain(run[id].MessageSubscriptions, s => s.MessageName == "review-application");
    }

    [Fact]
    public void The_standstill_starts_only_once_every_tenderer_has_been_notified()
    {
        var (run, id) = ToAward(awardValue: 3_000_000);
        run.Complete("Task_AwardDecision", "ada", AwardAuthority, Award("approve"));
        run.Complete("Task_NotifyAward", "paula", Procurement, Vars.Of(("awardNoticeDate", "2026-06-01T10:00Z"), ("noticeSentElectronically", true), ("unsuccessfulTenderersNotified", false)));

        Assert.DoesNotContain(run[id].Timers, t => t.ActivityId == "Timer_StandstillEnds");
        Assert.Single(run.OpenTasks("Task_NotifyAward", id));
        run.Complete("Task_NotifyAward", "paula", Procurement, Vars.Of(("awardNoticeDate", "2026-06-02T10:00Z"), ("noticeSentElectronically", true), ("unsuccessfulTenderersNotified", true)));
        Assert.Equal(new DateTimeOffset(2026, 6, 13, 0, 0, 0, TimeSpan.Zero), Assert.Single(run[id].Timers, t => t.ActivityId == "Timer_StandstillEnds").DueAt);
    }

    [Fact]
    public void A_review_application_during_standstill_suspends_signature_until_it_is_dismissed()
    {
        var (run, id) = ToAward(awardValue: 3_000_000);
        run.Complete("Task_AwardDecision", "ada", AwardAuthority, Award("approve"));
        run.Complete("Task_NotifyAward", "paula", Procurement, Vars.Of(("awardNoticeDate", "2026-06-01T10:00Z"), ("noticeSentElectronically", true), ("unsuccessfulTenderersNotified", true)));

        run.Deliver("review-application", Vars.Of(("reviewBody", "KOFA")), id);
        Assert.DoesNotContain(run[id].Timers, t => t.ActivityId == "Timer_StandstillEnds");
        Assert.Empty(run.OpenTasks("Task_SignContract", id));

        run.Complete("Task_HandleReview", "carl", Contracting, Vars.Of(("reviewBody", "KOFA"), ("reviewReference", "2026/117"), ("reviewSummary", "Scoring"), ("reviewOutcome", "dismissed")));

        // dismissed: the rest of the standstill still runs (and another application may still come) before signature
        Assert.Empty(run.OpenTasks("Task_SignContract", id));
        Assert.Equal(new DateTimeOffset(2026, 6, 12, 0, 0, 0, TimeSpan.Zero), Assert.Single(run[id].Timers, t => t.ActivityId == "Timer_StandstillEnds").DueAt);
        Assert.Single(run[id].MessageSubscriptions, s => s.MessageName == "review-application");
        run.FireTimer("Timer_StandstillEnds", id);
        Assert.Single(run.OpenTasks("Task_SignContract", id));
        Assert.Empty(run[id].MessageSubscriptions);
    }

    [Fact]
    public void A_notice_sent_otherwise_than_electronically_gets_fifteen_days_of_standstill()
    {
        var (run, id) = ToAward(awardValue: 3_000_000);
        run.Complete("Task_AwardDecision", "ada", AwardAuthority, Award("approve"));
        run.Complete("Task_NotifyAward", "paula", Procurement, Vars.Of(("awardNoticeDate", "2026-06-01T23:30+02:00"), ("noticeSentElectronically", false), ("unsuccessfulTenderersNotified", true)));

        // the day of sending is the local date of the notice; 15 days from 2 June
        Assert.Equal(new DateTimeOffset(2026, 6, 17, 0, 0, 0, TimeSpan.Zero), Assert.Single(run[id].Timers, t => t.ActivityId == "Timer_StandstillEnds").DueAt);
    }

    internal static (CaseRunner Run, string Id) ToVetting()
    {
        var run = new CaseRunner();
        var id = run.Start("procurement-case", "rita");
        run.Complete("Task_DefineRequirement", "rita", Requesters, Requirement(9_000_000));
        run.Complete("Task_ApproveRequirement", "bo", BudgetHolders, Approve());
        run.Complete("Task_AcquisitionStrategy", "carl", Contracting, Strategy(9_000_000));
        run.Complete("Task_ApproveStrategyDirector", "dina", ["approval-authority"], Vars.Of(("strategyDecision", "approve")));
        run.Complete("Task_MarketResearch", "paula", Procurement, Vars.Of(
            ("marketResearchSummary", "RFI with 5 responses"),
            ("candidates", new JsonArray(VettingScenarioTests.CleanSupplier(), VettingScenarioTests.SanctionedSupplier()))));
        run.Complete("Task_PublishCallForCompetition", "paula", Procurement, CallForCompetition(37));
        run.FireTimer("Timer_RequestsDeadline", id);
        run.Complete("Task_RegisterRequests", "paula", Procurement, Vars.Of(
            ("numberOfRequests", 2), ("candidates", new JsonArray(VettingScenarioTests.CleanSupplier(), VettingScenarioTests.SanctionedSupplier()))));
        return (run, id);
    }

    internal static Dictionary<string, JsonNode?> CallForCompetition(int requestsPeriodDays) => Vars.Of(
        ("contractNoticeReference", "2026/S 041-118822"), ("requestsPeriodDays", requestsPeriodDays),
        ("selectionCriteria", "Three years of comparable deliveries; positive equity; facility clearance"), ("minimumCandidates", 3));

    internal static (CaseRunner Run, string Id) ToTenderPeriod()
    {
        var (run, id) = ToVetting();
        foreach (var child in run.Instances.Where(i => i.ProcessKey == "supplier-vetting").Select(i => i.InstanceId).ToArray())
        {
            VettingScenarioTests.AnswerRegistries(run, child, sanctions: "clear");
            VettingScenarioTests.PassHumanChecks(run, child);
        }

        run.Complete("Task_Shortlist", "paula", Procurement, Vars.Of(
            ("shortlist", new JsonArray("NO-BRC-923609016", "NO-BRC-999888777")), ("shortlistRationale", "Both meet the selection criteria")));
        run.Complete("Task_PrepareSolicitation", "paula", Procurement, Vars.Of(
            ("tenderTitle", "Protected mobility vehicles"), ("tenderDescription", "12 vehicles"), ("tenderPeriodDays", 40),
            ("submissionMethod", "electronicSubmission")));
        return (run, id);
    }

    internal static (CaseRunner Run, string Id) ToPanel()
    {
        var (run, id) = ToTenderPeriod();
        run.FireTimer("Timer_TenderClosing", id);
        run.Complete("Task_OpenTenders", "paula", Procurement, Vars.Of(("numberOfTenderers", 2), ("tenderers", new JsonArray(
            new JsonObject { ["name"] = "Nordic Armour AS", ["identifierScheme"] = "NO-BRC", ["identifierId"] = "923609016", ["tenderValue"] = 3_000_000 },
            new JsonObject { ["name"] = "Baltic Mobility SIA", ["identifierScheme"] = "XI-LEI", ["identifierId"] = "5299000J2N45DDNE4Y28", ["tenderValue"] = 3_400_000 }))));
        run.Complete("Task_AppointPanel", "carl", Contracting, Vars.Of(("evaluationPanel", new JsonArray(
            new JsonObject { ["userId"] = "eve", ["name"] = "Eve", ["team"] = "technical" },
            new JsonObject { ["userId"] = "evan", ["name"] = "Evan", ["team"] = "commercial" },
            new JsonObject { ["userId"] = "ewa", ["name"] = "Ewa", ["team"] = "chair" }))));
        return (run, id);
    }

    internal static (CaseRunner Run, string Id) ToAward(long awardValue)
    {
        var (run, id) = ToPanel();
        foreach (var task in run.OpenTasks("Task_DeclareConflict", id))
        {
            run.Complete(task, task.Assignee!, Evaluators, Vars.Of(("conflictOfInterest", "none"), ("confidentialityUndertaking", true)));
        }

        foreach (var task in run.OpenTasks("Task_EvaluateTenders", id))
        {
            run.Complete(task, task.Assignee!, Evaluators, Scores());
        }

        var evaluations = run[id].Variables["evaluations"]!.AsArray();
        Assert.Equal(["evan", "eve", "ewa"], evaluations.Select(e => (string)e!["evaluator"]!).Order(StringComparer.Ordinal));
        run.Complete("Task_ConsolidateEvaluation", "carl", Contracting, Vars.Of(
            ("recommendedSupplierName", "Nordic Armour AS"), ("recommendedSupplierScheme", "NO-BRC"), ("recommendedSupplierId", "923609016"),
            ("awardValue", awardValue), ("awardCurrency", "NOK"), ("evaluationReport", "Best price-quality ratio")));
        return (run, id);
    }

    internal static Dictionary<string, JsonNode?> Scores() =>
        Vars.Of(("technicalScore", 80), ("priceScore", 90), ("preferredTenderer", "923609016"), ("evaluationNotes", "Meets all requirements"));

    internal static Dictionary<string, JsonNode?> Award(string decision) => Vars.Of(("awardDecision", decision), ("awardDecisionComment", "Per evaluation report"));

    internal static Dictionary<string, JsonNode?> Contract() => Vars.Of(
        ("contractNumber", "FMA-C-2026-0042"), ("dateSigned", "2026-05-15"), ("contractValue", 3_000_000), ("contractCurrency", "NOK"),
        ("orderedQuantity", 12), ("contractStartDate", "2026-05-15"), ("deliveryDeadline", "2026-07-15"), ("contractEndDate", "2026-12-31"));
}
