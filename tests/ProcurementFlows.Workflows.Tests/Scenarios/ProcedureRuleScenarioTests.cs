using System.Text.Json.Nodes;
using static ProcurementFlows.Workflows.Tests.Scenarios.RequirementScenarioTests;

namespace ProcurementFlows.Workflows.Tests.Scenarios;

/// <summary>
/// The minimum periods of Directive 2009/81/EC Art. 33 per procedure, checked by the process itself when the period is
/// entered (so the REST API cannot bypass them), the accelerated procedure and its justification, and the
/// prequalification stage (call for competition, requests to participate, vetting, shortlist).
/// </summary>
public sealed class ProcedureRuleScenarioTests
{
    private static readonly string[] Procurement = ["procurement-officers"];
    private static readonly string[] Contracting = ["contracting-officers"];

    public static TheoryData<string, bool, int> TenderMinimums => new()
    {
        { "restricted", false, 40 },
        { "restricted", true, 10 },
        // no statutory tender minimum in these procedures: the planning floor policy.minimumTenderDays (10) applies
        { "negotiated-with-publication", false, 10 },
        { "negotiated-with-publication", true, 10 },
        { "competitive-dialogue", false, 10 },
        { "negotiated-without-publication", false, 10 },
    };

    public static TheoryData<string, bool, int> RequestMinimums => new()
    {
        { "restricted", false, 37 },
        { "restricted", true, 15 },
        { "negotiated-with-publication", false, 37 },
        { "negotiated-with-publication", true, 15 },
        { "competitive-dialogue", false, 37 },
    };

    [Theory]
    [MemberData(nameof(TenderMinimums))]
    public void A_tender_period_below_the_procedure_minimum_is_sent_back_naming_the_field_and_the_minimum_is_accepted(string procedure, bool accelerated, int minimum)
    {
        var (run, id) = ToSolicitation(procedure, accelerated);
        Assert.Equal(minimum, run[id].Variables["procedureRules"]!["tenderMinimumDays"]!.GetValue<double>());

        run.Complete("Task_PrepareSolicitation", "paula", Procurement, Solicitation(minimum - 1));

        // refused: no tender period runs, the task is open again, and the check names the field and the minimum
        Assert.DoesNotContain(run[id].Timers, t => t.ActivityId == "Timer_TenderClosing");
        Assert.Single(run.OpenTasks("Task_PrepareSolicitation", id));
        var check = run[id].Variables["tenderPeriodCheck"]!;
        Assert.False(check["valid"]!.GetValue<bool>());
        var error = (string)Assert.Single(check["errors"]!.AsArray())!;
        Assert.StartsWith("tenderPeriodDays: ", error, StringComparison.Ordinal);
        Assert.Contains($"{minimum - 1} days is below the minimum of {minimum} days", error, StringComparison.Ordinal);
        Assert.Contains(procedure, error, StringComparison.Ordinal);

        var opened = run.Clock.GetUtcNow();
        run.Complete("Task_PrepareSolicitation", "paula", Procurement, Solicitation(minimum));
        Assert.True(run[id].Variables["tenderPeriodCheck"]!["valid"]!.GetValue<bool>());
        Assert.Equal(opened.AddDays(minimum), Assert.Single(run[id].Timers, t => t.ActivityId == "Timer_TenderClosing").DueAt);
    }

    [Theory]
    [MemberData(nameof(RequestMinimums))]
    public void A_period_for_requests_to_participate_below_the_minimum_is_sent_back_and_the_minimum_is_accepted(string procedure, bool accelerated, int minimum)
    {
        var (run, id) = ToMarketResearch(procedure, accelerated);
        run.Complete("Task_MarketResearch", "paula", Procurement, MarketResearch());

        run.Complete("Task_PublishCallForCompetition", "paula", Procurement, CaseScenarioTests.CallForCompetition(minimum - 1));
        Assert.DoesNotContain(run[id].Timers, t => t.ActivityId == "Timer_RequestsDeadline");
        Assert.Single(run.OpenTasks("Task_PublishCallForCompetition", id));
        var error = (string)Assert.Single(run[id].Variables["requestsPeriodCheck"]!["errors"]!.AsArray())!;
        Assert.StartsWith("requestsPeriodDays: ", error, StringComparison.Ordinal);
        Assert.Contains($"below the minimum of {minimum} days for requests to participate", error, StringComparison.Ordinal);

        var published = run.Clock.GetUtcNow();
        run.Complete("Task_PublishCallForCompetition", "paula", Procurement, CaseScenarioTests.CallForCompetition(minimum));
        Assert.Equal(published.AddDays(minimum), Assert.Single(run[id].Timers, t => t.ActivityId == "Timer_RequestsDeadline").DueAt);
        Assert.DoesNotContain(run.Instances, i => i.ProcessKey == "supplier-vetting"); // nobody is vetted before the requests are in
    }

    [Fact]
    public void An_accelerated_restricted_procedure_with_a_recorded_justification_runs_on_the_urgent_minimums()
    {
        var (run, id) = ToMarketResearch("restricted", accelerated: true);
        var rules = run[id].Variables["procedureRules"]!;
        Assert.True(rules["accelerated"]!.GetValue<bool>());
        Assert.Equal(15, rules["requestsMinimumDays"]!.GetValue<double>());
        Assert.Equal(10, rules["tenderMinimumDays"]!.GetValue<double>());
        Assert.Single(run.OpenTasks("Task_MarketResearch", id));
    }

    [Fact]
    public void Acceleration_without_a_justification_is_sent_back_to_the_contracting_officer()
    {
        var (run, id) = ToStrategy();
        run.Complete("Task_AcquisitionStrategy", "carl", Contracting, With(Strategy(2_000_000), ("acceleratedProcedure", true)));

        AssertSentBack(run, id, "accelerationJustification: ");
        Assert.Empty(run.OpenTasks("Task_ApproveStrategyDirector", id));
    }

    [Fact]
    public void A_competitive_dialogue_cannot_be_accelerated()
    {
        var (run, id) = ToStrategy();
        run.Complete("Task_AcquisitionStrategy", "carl", Contracting, With(Strategy(2_000_000),
            ("procedureType", "competitive-dialogue"), ("acceleratedProcedure", true), ("accelerationJustification", "Operational urgency after the incident in May")));

        AssertSentBack(run, id, "acceleratedProcedure: ");
    }

    [Fact]
    public void The_negotiated_procedure_without_publication_needs_its_ground_and_a_matching_method()
    {
        var (run, id) = ToStrategy();
        run.Complete("Task_AcquisitionStrategy", "carl", Contracting, With(Strategy(2_000_000), ("procedureType", "negotiated-without-publication")));

        var errors = AssertSentBack(run, id, "procedureRationale: ");
        Assert.Contains(errors, e => e.StartsWith("procurementMethod: selective does not match", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_publication_there_is_no_call_for_competition_and_no_shortlist()
    {
        var (run, id) = ToMarketResearch("negotiated-without-publication", accelerated: false);
        Assert.False(run[id].Variables["procedureRules"]!["prequalification"]!.GetValue<bool>());
        run.Complete("Task_MarketResearch", "paula", Procurement, MarketResearch());

        var child = Assert.Single(run.Instances, i => i.ProcessKey == "supplier-vetting").InstanceId;
        Assert.Empty(run.OpenTasks("Task_PublishCallForCompetition", id));
        VettingScenarioTests.AnswerRegistries(run, child, sanctions: "clear");
        VettingScenarioTests.PassHumanChecks(run, child);

        Assert.Single(run.OpenTasks("Task_PrepareSolicitation", id));
        Assert.Empty(run.OpenTasks("Task_Shortlist", id));
    }

    [Fact]
    public void The_shortlist_invites_only_qualified_candidates_and_at_least_the_minimum()
    {
        var (run, id) = CaseScenarioTests.ToVetting();
        var vetting = run.Instances.Where(i => i.ProcessKey == "supplier-vetting").ToArray();
        var sanctioned = vetting.Single(c => (string?)c.Variables["supplier"]!["name"] == "Volga Arms LLC").InstanceId;
        var clean = vetting.Single(c => (string?)c.Variables["supplier"]!["name"] == "Nordic Armour AS").InstanceId;
        VettingScenarioTests.AnswerRegistries(run, sanctioned, sanctions: "hit");
        run.Complete("Task_ReviewFindings", "cora", VettingScenarioTests.Compliance, Vars.Of(("complianceDecision", "exclude"), ("complianceRationale", "EU FSF listing")), sanctioned);
        VettingScenarioTests.AnswerRegistries(run, clean, sanctions: "clear");
        VettingScenarioTests.PassHumanChecks(run, clean);

        // an excluded candidate cannot be invited
        run.Complete("Task_Shortlist", "paula", Procurement, Vars.Of(("shortlist", new JsonArray("NO-BRC-923609016", "NO-BRC-999888777")), ("shortlistRationale", "Both")));
        var error = (string)Assert.Single(run[id].Variables["shortlistCheck"]!["errors"]!.AsArray())!;
        Assert.Equal("shortlist: NO-BRC-999888777 did not qualify in vetting and cannot be invited.", error);
        Assert.Single(run.OpenTasks("Task_Shortlist", id));

        // nobody invited although one qualified: fewer than the minimum (three, or all who qualified when fewer did)
        run.Complete("Task_Shortlist", "paula", Procurement, Vars.Of(("shortlist", new JsonArray()), ("shortlistRationale", "None")));
        Assert.Contains("at least 1 must be invited", (string)run[id].Variables["shortlistCheck"]!["errors"]![0]!, StringComparison.Ordinal);
        Assert.Empty(run.OpenTasks("Task_PrepareSolicitation", id));

        run.Complete("Task_Shortlist", "paula", Procurement, Vars.Of(("shortlist", new JsonArray("NO-BRC-923609016")), ("shortlistRationale", "Only qualified candidate")));
        var invited = Assert.Single(run[id].Variables["shortlistCheck"]!["invited"]!.AsArray())!;
        Assert.Equal("Nordic Armour AS", (string?)invited["name"]);
        Assert.Single(run.OpenTasks("Task_PrepareSolicitation", id));
    }

    [Fact]
    public void A_planning_floor_from_the_start_variables_raises_a_minimum_but_never_lowers_a_legal_one()
    {
        var (run, id) = ToSolicitation("competitive-dialogue", accelerated: false, policy: Vars.Of(("minimumTenderDays", 30)));
        Assert.Equal(30, run[id].Variables["procedureRules"]!["tenderMinimumDays"]!.GetValue<double>());

        var (restricted, rid) = ToSolicitation("restricted", accelerated: false, policy: Vars.Of(("minimumTenderDays", 5)));
        Assert.Equal(40, restricted[rid].Variables["procedureRules"]!["tenderMinimumDays"]!.GetValue<double>());
    }

    private static List<string> AssertSentBack(CaseRunner run, string id, string fieldPrefix)
    {
        var rules = run[id].Variables["procedureRules"]!;
        Assert.False(rules["valid"]!.GetValue<bool>());
        var errors = rules["errors"]!.AsArray().Select(e => (string)e!).ToList();
        Assert.Contains(errors, e => e.StartsWith(fieldPrefix, StringComparison.Ordinal));
        Assert.Single(run.OpenTasks("Task_AcquisitionStrategy", id));
        return errors;
    }

    private static (CaseRunner Run, string Id) ToStrategy(IReadOnlyDictionary<string, JsonNode?>? policy = null)
    {
        var run = new CaseRunner();
        var id = run.Start("procurement-case", "rita", policy);
        run.Complete("Task_DefineRequirement", "rita", Requesters, Requirement(2_000_000));
        run.Complete("Task_ApproveRequirement", "bo", BudgetHolders, Approve());
        return (run, id);
    }

    private static (CaseRunner Run, string Id) ToMarketResearch(string procedure, bool accelerated, IReadOnlyDictionary<string, JsonNode?>? policy = null)
    {
        var (run, id) = ToStrategy(policy);
        var method = procedure == "negotiated-without-publication" ? "limited" : "selective";
        var strategy = With(Strategy(2_000_000), ("procedureType", procedure), ("procurementMethod", method),
            ("procedureRationale", "Art. 28(1)(c): extreme urgency after the loss of the existing fleet"));
        if (accelerated)
        {
            strategy = With(strategy, ("acceleratedProcedure", true), ("accelerationJustification", "Replacement before the winter exercise is operationally urgent"));
        }

        run.Complete("Task_AcquisitionStrategy", "carl", Contracting, strategy);
        Assert.True(run[id].Variables["procedureRules"]!["valid"]!.GetValue<bool>(), run[id].Variables["procedureRules"]!.ToJsonString());
        run.Complete("Task_ApproveStrategyDirector", "dina", ["approval-authority"], Vars.Of(("strategyDecision", "approve")));
        return (run, id);
    }

    private static (CaseRunner Run, string Id) ToSolicitation(string procedure, bool accelerated, IReadOnlyDictionary<string, JsonNode?>? policy = null)
    {
        var (run, id) = ToMarketResearch(procedure, accelerated, policy);
        run.Complete("Task_MarketResearch", "paula", Procurement, MarketResearch());
        var prequalification = run[id].Variables["procedureRules"]!["prequalification"]!.GetValue<bool>();
        if (prequalification)
        {
            var minimum = (int)run[id].Variables["procedureRules"]!["requestsMinimumDays"]!.GetValue<double>();
            run.Complete("Task_PublishCallForCompetition", "paula", Procurement, CaseScenarioTests.CallForCompetition(minimum));
            run.FireTimer("Timer_RequestsDeadline", id);
            run.Complete("Task_RegisterRequests", "paula", Procurement, Vars.Of(("numberOfRequests", 1), ("candidates", new JsonArray(VettingScenarioTests.CleanSupplier()))));
        }

        var child = Assert.Single(run.Instances, i => i.ProcessKey == "supplier-vetting").InstanceId;
        VettingScenarioTests.AnswerRegistries(run, child, sanctions: "clear");
        VettingScenarioTests.PassHumanChecks(run, child);
        if (prequalification)
        {
            run.Complete("Task_Shortlist", "paula", Procurement, Vars.Of(("shortlist", new JsonArray("NO-BRC-923609016")), ("shortlistRationale", "Meets the criteria")));
        }

        Assert.Single(run.OpenTasks("Task_PrepareSolicitation", id));
        return (run, id);
    }

    private static Dictionary<string, JsonNode?> MarketResearch() => Vars.Of(
        ("marketResearchSummary", "RFI on Doffin, 4 responses"), ("candidates", new JsonArray(VettingScenarioTests.CleanSupplier())));

    private static Dictionary<string, JsonNode?> Solicitation(int days) => Vars.Of(
        ("tenderTitle", "Protected mobility vehicles"), ("tenderDescription", "12 vehicles"), ("tenderPeriodDays", days),
        ("submissionMethod", "electronicSubmission"));

    private static Dictionary<string, JsonNode?> With(Dictionary<string, JsonNode?> variables, params (string Name, object? Value)[] more)
    {
        var result = new Dictionary<string, JsonNode?>(variables, StringComparer.Ordinal);
        foreach (var (name, value) in Vars.Of(more))
        {
            result[name] = value;
        }

        return result;
    }
}
