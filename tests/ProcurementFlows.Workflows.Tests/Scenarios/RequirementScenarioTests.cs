using System.Text.Json.Nodes;
using ProcurementFlows.Engine;

namespace ProcurementFlows.Workflows.Tests.Scenarios;

public sealed class RequirementScenarioTests
{
    internal static readonly string[] Requesters = ["requirement-owners"];
    internal static readonly string[] BudgetHolders = ["budget-holders"];

    [Fact]
    public void The_requester_cannot_approve_their_own_requirement_even_as_a_budget_holder()
    {
        var run = new CaseRunner();
        var id = run.Start("procurement-case", "rita");
        run.Complete("Task_DefineRequirement", "rita", Requesters, Requirement(2_000_000));

        var error = Assert.Throws<CommandRejectedException>(() =>
            run.Complete("Task_ApproveRequirement", "rita", ["requirement-owners", "budget-holders"], Approve()));

        Assert.Equal("task.segregation-of-duties", error.Code);
        Assert.Single(run.OpenTasks("Task_ApproveRequirement", id));
    }

    [Fact]
    public void Whoever_defined_the_requirement_cannot_approve_it_either()
    {
        var run = new CaseRunner();
        run.Start("procurement-case", "rita");
        run.Complete("Task_DefineRequirement", "dan", ["requirement-owners", "budget-holders"], Requirement(2_000_000));

        var error = Assert.Throws<CommandRejectedException>(() => run.Complete("Task_ApproveRequirement", "dan", BudgetHolders, Approve()));
        Assert.Equal("task.segregation-of-duties", error.Code);
    }

    [Theory]
    [InlineData(900_000, "Task_ApproveStrategySection", "section-heads")]
    [InlineData(40_000_000, "Task_ApproveStrategyDirector", "approval-authority")]
    [InlineData(1_500_000_000, "Task_ApproveStrategyMinistry", "ministry-approvers")]
    public void Another_budget_holder_approves_and_the_strategy_goes_to_the_tier_of_its_value(long value, string tier, string group)
    {
        var run = new CaseRunner();
        var id = run.Start("procurement-case", "rita");
        run.Complete("Task_DefineRequirement", "rita", Requesters, Requirement(value));
        run.Complete("Task_ApproveRequirement", "bo", BudgetHolders, Approve());
        run.Complete("Task_AcquisitionStrategy", "carl", ["contracting-officers"], Strategy(value));

        var task = run.Task(tier, id);
        Assert.Equal([group], task.CandidateGroups);
        Assert.Equal(5_000_000, run[id].Variables["policy"]!["dualApprovalLimit"]!.GetValue<double>());
    }

    [Fact]
    public void Thresholds_come_from_start_variables_when_given()
    {
        var run = new CaseRunner();
        var id = run.Start("procurement-case", "rita", Vars.Of(("sectionHeadLimit", 100_000), ("directorLimit", 500_000)));
        run.Complete("Task_DefineRequirement", "rita", Requesters, Requirement(900_000));
        run.Complete("Task_ApproveRequirement", "bo", BudgetHolders, Approve());
        run.Complete("Task_AcquisitionStrategy", "carl", ["contracting-officers"], Strategy(900_000));

        Assert.Single(run.OpenTasks("Task_ApproveStrategyMinistry", id));
    }

    [Fact]
    public void Due_dates_count_working_days_and_an_overdue_task_escalates()
    {
        var run = new CaseRunner(); // Monday 2 March 2026
        var id = run.Start("procurement-case", "rita");
        var task = run.Task("Task_DefineRequirement", id);

        Assert.Equal(new DateOnly(2026, 3, 16), DateOnly.FromDateTime(task.DueDate!.Value.UtcDateTime)); // 10 working days later
        run.FireTimer("Timer_DefineRequirement_Overdue", id);

        Assert.Contains(run.Effects, e => e is UserTaskEscalated esc && esc.TaskId == task.Id);
        Assert.Single(run.OpenTasks("Task_DefineRequirement", id)); // non-interrupting: still open
    }

    internal static Dictionary<string, JsonNode?> Approve() => Vars.Of(("requirementDecision", "approve"), ("budgetLine", "FMA-17"));

    internal static Dictionary<string, JsonNode?> Requirement(long value) => Vars.Of(
        ("requirementTitle", "Armoured vehicles"), ("requirementDescription", "Protected mobility"), ("cpvCode", "35400000-1"),
        ("quantity", 12), ("unit", "vehicle"), ("estimatedValue", value), ("currency", "NOK"), ("neededBy", "2027-01-01"),
        ("securityClassification", "restricted"), ("justification", "Fleet replacement"));

    internal static Dictionary<string, JsonNode?> Strategy(long value) => Vars.Of(
        ("procurementMethod", "selective"), ("procedureType", "restricted"), ("mainProcurementCategory", "goods"),
        ("estimatedValue", value), ("lots", 1), ("awardCriteria", "ratedCriteria"), ("evaluationCriteria", "60/40"));
}
