using System.Text.Json.Nodes;
using ProcurementFlows.Engine;

namespace ProcurementFlows.Workflows.Tests.Scenarios;

public sealed class QualityAssuranceScenarioTests
{
    internal static readonly string[] ContractManagers = ["contract-managers"];
    internal static readonly string[] Gqa = ["gqa-representatives"];

    [Fact]
    public void A_non_conformity_is_reworked_re_inspected_and_accepted()
    {
        var run = new CaseRunner();
        var id = run.Start("quality-assurance", "mona", Vars.Of(("deliverable", "12 protected vehicles"), ("contractNumber", "FMA-C-2026-0042")));
        ToInspection(run, id);

        run.Complete("Task_Inspect", "gunnar", Gqa, Inspection("nonconforming"));
        run.Complete("Task_Disposition", "mona", ContractManagers, Vars.Of(("disposition", "rework"), ("rootCause", "Welding defect on hatch")));
        Assert.Empty(run.OpenTasks("Task_Inspect", id));
        // the supplier reports against its contract, not against our case number
        Assert.Equal("FMA-C-2026-0042", Assert.Single(run[id].MessageSubscriptions, s => s.MessageName == "rework-completed").CorrelationKey);
        run.Deliver("rework-completed", Vars.Of(("reworkReport", "Hatches rewelded")), id);

        run.Complete("Task_Inspect", "gunnar", Gqa, Inspection("conforming"));
        AcceptWithCoc(run, id);

        Assert.Equal(InstanceStatus.Completed, run[id].Status);
        Assert.Equal("accepted", (string?)run[id].Variables["qaOutcome"]);
        Assert.Equal("rework", (string?)run[id].Variables["disposition"]);
    }

    [Fact]
    public void A_quality_plan_that_is_not_approved_goes_back_to_planning_before_any_inspection()
    {
        var run = new CaseRunner();
        var id = run.Start("quality-assurance", "mona", Vars.Of(("deliverable", "12 protected vehicles"), ("contractNumber", "FMA-C-2026-0042")));
        run.Complete("Task_RequestGqa", "mona", ContractManagers, Vars.Of(
            ("deliverable", "12 protected vehicles"), ("riskLevel", "high"), ("gqaProvider", "national"), ("supplierNation", "NO"), ("riskAssessment", "Ballistic protection")), id);
        run.Complete("Task_RespondGqaRequest", "gunnar", Gqa, Vars.Of(("gqaResponse", "accept")), id);

        run.Complete("Task_PlanGqa", "gunnar", Gqa, Vars.Of(("aqapRequirements", new JsonArray("AQAP-2110")), ("inspectionPoints", "Final inspection"), ("qualityPlanApproved", false)), id);
        Assert.Empty(run.OpenTasks("Task_Inspect", id));
        Assert.Single(run.OpenTasks("Task_PlanGqa", id));

        run.Complete("Task_PlanGqa", "gunnar", Gqa, Vars.Of(("aqapRequirements", new JsonArray("AQAP-2110", "AQAP-2131")), ("inspectionPoints", "Final inspection"), ("qualityPlanApproved", true)), id);
        Assert.Single(run.OpenTasks("Task_Inspect", id));
    }

    [Fact]
    public void A_concession_needs_another_officer_and_ends_accepted_with_concession()
    {
        var run = new CaseRunner();
        var id = run.Start("quality-assurance", "mona", Vars.Of(("deliverable", "12 protected vehicles")));
        ToInspection(run, id);
        run.Complete("Task_Inspect", "gunnar", Gqa, Inspection("nonconforming"));
        run.Complete("Task_Disposition", "carl", ["contract-managers", "contracting-officers"], Vars.Of(("disposition", "concession"), ("rootCause", "Paint shade")));

        var error = Assert.Throws<CommandRejectedException>(() =>
            run.Complete("Task_ApproveConcession", "carl", ["contracting-officers"], Vars.Of(("concessionDecision", "approve"))));
        Assert.Equal("task.segregation-of-duties", error.Code);
        run.Complete("Task_ApproveConcession", "cecilie", ["contracting-officers"], Vars.Of(("concessionDecision", "approve"), ("concessionConditions", "2% price reduction")));
        run.Complete("Task_AcceptDelivery", "mona", ContractManagers, Vars.Of(("acceptanceDate", "2026-07-20"), ("acceptedQuantity", 12)));

        Assert.Equal("accepted-with-concession", (string?)run[id].Variables["qaOutcome"]);
    }

    [Fact]
    public void A_rejected_delivery_ends_the_gqa_as_rejected_and_an_incomplete_coc_waits_for_a_new_one()
    {
        var run = new CaseRunner();
        var id = run.Start("quality-assurance", "mona", Vars.Of(("deliverable", "12 protected vehicles")));
        ToInspection(run, id);
        run.Complete("Task_Inspect", "gunnar", Gqa, Inspection("conforming"));
        run.Complete("Task_ReviewCoc", "gunnar", Gqa, Vars.Of(("cocNumber", "CoC-1"), ("cocComplete", false)));
        // started without a contract number: the corrected CoC correlates by the business key
        Assert.Equal("PF-2026-0042", Assert.Single(run[id].MessageSubscriptions, s => s.MessageName == "coc-resubmitted").CorrelationKey);
        run.Deliver("coc-resubmitted", null, id);
        run.Complete("Task_ReviewCoc", "gunnar", Gqa, Vars.Of(("cocNumber", "CoC-2"), ("cocComplete", true)));
        run.Complete("Task_AcceptDelivery", "mona", ContractManagers, Vars.Of(("acceptanceDate", "2026-07-20"), ("acceptedQuantity", 12)));
        Assert.Equal("accepted", (string?)run[id].Variables["qaOutcome"]);

        var rejected = run.Start("quality-assurance", "mona", Vars.Of(("deliverable", "12 protected vehicles")), "PF-2026-0043");
        ToInspection(run, rejected);
        run.Complete("Task_Inspect", "gunnar", Gqa, Inspection("nonconforming"), rejected);
        run.Complete("Task_Disposition", "mona", ContractManagers, Vars.Of(("disposition", "reject"), ("rootCause", "Armour below STANAG 4569 level 2")), rejected);
        Assert.Equal(InstanceStatus.Completed, run[rejected].Status);
        Assert.Equal("rejected", (string?)run[rejected].Variables["qaOutcome"]);
    }

    internal static void ToInspection(CaseRunner run, string id)
    {
        run.Complete("Task_RequestGqa", "mona", ContractManagers, Vars.Of(
            ("deliverable", "12 protected vehicles"), ("riskLevel", "high"), ("gqaProvider", "national"), ("supplierNation", "NO"), ("riskAssessment", "Ballistic protection")), id);
        run.Complete("Task_RespondGqaRequest", "gunnar", Gqa, Vars.Of(("gqaResponse", "accept")), id);
        run.Complete("Task_PlanGqa", "gunnar", Gqa, Vars.Of(("aqapRequirements", new JsonArray("AQAP-2110", "AQAP-2131")), ("inspectionPoints", "Final inspection"), ("qualityPlanApproved", true)), id);
    }

    internal static void AcceptWithCoc(CaseRunner run, string id)
    {
        run.Complete("Task_ReviewCoc", "gunnar", Gqa, Vars.Of(("cocNumber", "CoC-2026-88"), ("cocComplete", true)), id);
        run.Complete("Task_AcceptDelivery", "mona", ContractManagers, Vars.Of(("acceptanceDate", "2026-07-20"), ("acceptedQuantity", 12)), id);
    }

    internal static Dictionary<string, JsonNode?> Inspection(string result) =>
        Vars.Of(("inspectionDate", "2026-07-16"), ("inspectionResult", result), ("inspectionReport", "IR-2026-17"));
}
