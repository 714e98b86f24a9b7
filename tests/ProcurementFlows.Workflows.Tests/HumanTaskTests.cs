using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ProcurementFlows.Workflows.Tests;

/// <summary>Every human task is workable: a form that exists and parses, a candidate group, a due date, and a timer that escalates.</summary>
public sealed partial class HumanTaskTests
{
    private const string FormKeyPrefix = "camunda-forms:deployment:";

    public static TheoryData<string> Processes => new(RepositoryPaths.ProcessFiles.Select(Path.GetFileName)!);

    public static TheoryData<string> Forms => new(Directory.EnumerateFiles(RepositoryPaths.Workflows, "*.form").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(Processes))]
    public void Every_user_task_has_a_form_a_documented_group_a_due_date_and_an_escalating_timer(string file)
    {
        var bpmn = Bpmn.LoadShipped(file);
        var documentedGroups = DocumentedGroups();
        Assert.NotEmpty(bpmn.UserTasks);
        foreach (var task in bpmn.UserTasks)
        {
            var id = (string)task.Attribute("id")!;
            var formKey = (string?)task.Attribute(Bpmn.Camunda + "formKey");
            Assert.True(formKey is not null && formKey.StartsWith(FormKeyPrefix, StringComparison.Ordinal), $"{id}: no camunda-forms formKey");
            var formFile = Path.Combine(RepositoryPaths.Workflows, formKey![FormKeyPrefix.Length..]);
            Assert.True(File.Exists(formFile), $"{id}: form {formFile} is missing");
            Assert.NotNull(JsonNode.Parse(File.ReadAllText(formFile)));

            var groups = ((string?)task.Attribute(Bpmn.Camunda + "candidateGroups") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.True(groups.Length > 0, $"{id}: no candidate group");
            Assert.All(groups, g => Assert.Contains(g, documentedGroups));

            var due = (string?)task.Attribute(Bpmn.Camunda + "dueDate");
            Assert.False(string.IsNullOrWhiteSpace(due), $"{id}: no due date");
            Assert.Matches(@"^\$\{.+\}$", due!);

            var escalations = bpmn.BoundariesOf(id)
                .Where(b => (string?)b.Attribute("cancelActivity") == "false" && b.Element(Bpmn.Model + "timerEventDefinition") is not null)
                .Where(b => (string?)b.Attribute(Bpmn.Pf + "taskEscalation") == "true")
                .ToArray();
            Assert.True(escalations.Length > 0, $"{id}: no non-interrupting escalation timer");
        }
    }

    [Theory]
    [MemberData(nameof(Processes))]
    public void Due_dates_in_working_days_use_the_business_calendar(string file)
    {
        var bpmn = Bpmn.LoadShipped(file);
        foreach (var task in bpmn.UserTasks)
        {
            var due = (string)task.Attribute(Bpmn.Camunda + "dueDate")!;
            // a contractual date variable, or n business days from now in the case's calendar
            Assert.True(due.Contains("addBusinessDays(now(),", StringComparison.Ordinal) || DateVariable().IsMatch(due), $"{(string?)task.Attribute("id")}: {due}");
        }
    }

    [Theory]
    [MemberData(nameof(Processes))]
    public void Each_escalation_fires_when_its_task_falls_due(string file)
    {
        // the supervisors hear of a task exactly when it becomes overdue: the escalation timer is the task's due date
        var bpmn = Bpmn.LoadShipped(file);
        foreach (var task in bpmn.UserTasks)
        {
            var id = (string)task.Attribute("id")!;
            foreach (var escalation in bpmn.BoundariesOf(id).Where(b => (string?)b.Attribute(Bpmn.Pf + "taskEscalation") == "true"))
            {
                var at = escalation.Element(Bpmn.Model + "timerEventDefinition")?.Element(Bpmn.Model + "timeDate")?.Value;
                Assert.True(at == (string?)task.Attribute(Bpmn.Camunda + "dueDate"), $"{file}: {(string?)escalation.Attribute("id")} fires at {at}, not at the due date of {id}");
            }
        }
    }

    [Fact]
    public void Segregation_of_duties_rules_name_tasks_that_exist()
    {
        var byFile = RepositoryPaths.ProcessFiles.Select(Bpmn.Load).ToArray();
        var rules = 0;
        foreach (var bpmn in byFile)
        {
            var ids = bpmn.FlowNodes.Select(n => (string)n.Attribute("id")!).ToHashSet();
            foreach (var task in bpmn.UserTasks)
            {
                var rule = (string?)task.Attribute(Bpmn.Pf + "notCompletedBy");
                if (rule is null)
                {
                    continue;
                }

                rules++;
                foreach (var part in rule.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    Assert.True(part == "initiator" || ids.Contains(part), $"{bpmn.Name}: {part} in the rule of {(string?)task.Attribute("id")} is not a task");
                }
            }
        }

        Assert.True(rules >= 8, "requirement approval, strategy tiers, award decisions, signature, payment, vetting override and concession carry rules");
    }

    [Fact]
    public void The_rules_the_issue_asks_for_are_in_the_main_process()
    {
        var bpmn = Bpmn.LoadShipped("procurement-case.bpmn");
        string Rule(string id) => (string?)bpmn.UserTasks.Single(t => (string?)t.Attribute("id") == id).Attribute(Bpmn.Pf + "notCompletedBy") ?? "";

        Assert.Contains("initiator", Rule("Task_ApproveRequirement"), StringComparison.Ordinal);
        Assert.Contains("Task_DefineRequirement", Rule("Task_ApproveRequirement"), StringComparison.Ordinal);
        Assert.Contains("Task_EvaluateTenders", Rule("Task_SignContract"), StringComparison.Ordinal);
        Assert.Contains("Task_AwardDecisionFirst", Rule("Task_AwardDecisionSecond"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void Every_form_is_a_form_js_schema_with_unique_keys_and_usable_fields(string file)
    {
        var form = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Workflows, file)))!.AsObject();
        Assert.Equal("default", (string?)form["type"]);
        Assert.Equal(16, (int?)form["schemaVersion"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)form["id"]));
        Assert.NotNull(form["exporter"]?["name"]);

        var keys = new List<string>();
        var ids = new List<string>();
        var inputs = 0;
        Walk(form["components"]!.AsArray(), keys, ids, ref inputs);
        Assert.True(inputs > 0, $"{file} has no input field");
        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Every_form_is_used_by_a_task()
    {
        var used = RepositoryPaths.ProcessFiles.Select(Bpmn.Load).SelectMany(b => b.UserTasks)
            .Select(t => ((string)t.Attribute(Bpmn.Camunda + "formKey")!)[FormKeyPrefix.Length..]).ToHashSet();
        foreach (var form in Directory.EnumerateFiles(RepositoryPaths.Workflows, "*.form").Select(f => Path.GetFileName(f)))
        {
            Assert.Contains(form, used);
        }
    }

    [Fact]
    public void Gateway_decisions_read_values_the_forms_provide()
    {
        // each select that drives a gateway offers the values the conditions test for
        var formValues = Directory.EnumerateFiles(RepositoryPaths.Workflows, "*.form")
            .SelectMany(f => AllComponents(JsonNode.Parse(File.ReadAllText(f))!["components"]!.AsArray()))
            .Where(c => c["values"] is JsonArray && c["key"] is not null)
            .GroupBy(c => (string)c["key"]!)
            .ToDictionary(g => g.Key, g => g.SelectMany(c => c["values"]!.AsArray().Select(v => (string)v!["value"]!)).ToHashSet());
        var checkedConditions = 0;
        foreach (var bpmn in RepositoryPaths.ProcessFiles.Select(Bpmn.Load))
        {
            foreach (var condition in bpmn.Process.Descendants(Bpmn.Model + "conditionExpression"))
            {
                foreach (Match m in ConditionComparison().Matches(condition.Value))
                {
                    var key = m.Groups["key"].Value;
                    if (formValues.TryGetValue(key, out var values))
                    {
                        checkedConditions++;
                        Assert.True(values.Contains(m.Groups["value"].Value), $"{bpmn.Name}: {key} === '{m.Groups["value"].Value}' but the form offers {string.Join(", ", values)}");
                    }
                }
            }
        }

        Assert.True(checkedConditions >= 10);
    }

    private static void Walk(JsonArray components, List<string> keys, List<string> ids, ref int inputs)
    {
        foreach (var c in components.Select(c => c!.AsObject()))
        {
            var type = (string)c["type"]!;
            ids.Add((string)c["id"]!);
            if (c["key"] is JsonNode key)
            {
                keys.Add((string)key!);
                inputs++;
                Assert.DoesNotContain(" ", (string)key!, StringComparison.Ordinal);
            }

            if (type is "select" or "radio" or "checklist")
            {
                // static options, or options from a process variable (e.g. the qualified candidates of a shortlist)
                Assert.True(c["values"] is JsonArray { Count: > 0 } || c["valuesKey"] is JsonValue, $"{c["key"]}: no options");
            }

            if (c["validate"]?["pattern"] is JsonNode pattern)
            {
                _ = new Regex((string)pattern!, RegexOptions.None, TimeSpan.FromSeconds(1));
            }

            if (c["components"] is JsonArray nested)
            {
                Assert.Equal("dynamiclist", type);
                Assert.False(string.IsNullOrWhiteSpace((string?)c["path"]));
                var nestedKeys = new List<string>();
                Walk(nested, nestedKeys, ids, ref inputs);
            }
        }
    }

    private static IEnumerable<JsonObject> AllComponents(JsonArray components) =>
        components.Select(c => c!.AsObject()).SelectMany(c => c["components"] is JsonArray nested ? AllComponents(nested).Prepend(c) : [c]);

    private static HashSet<string> DocumentedGroups()
    {
        var readme = File.ReadAllLines(Path.Combine(RepositoryPaths.Workflows, "README.md"));
        return readme.Select(l => GroupRow().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
    }

    [GeneratedRegex(@"^\|\s*`([a-z-]+)`\s*\|")]
    private static partial Regex GroupRow();

    [GeneratedRegex(@"^\$\{[A-Za-z]+\}$")]
    private static partial Regex DateVariable();

    [GeneratedRegex(@"(?<key>[A-Za-z]+) === '(?<value>[a-z-]+)'")]
    private static partial Regex ConditionComparison();
}
