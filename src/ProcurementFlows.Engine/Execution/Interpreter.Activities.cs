using System.Globalization;
using System.Text.Json.Nodes;
using ProcurementFlows.Engine.Calendar;
using ProcurementFlows.Engine.Expressions;
using ProcurementFlows.Engine.Model;

namespace ProcurementFlows.Engine.Execution;

internal sealed partial class Interpreter
{
    private void CreateUserTask(FlowNode node, ExecutionData exec)
    {
        var def = node.UserTask!;
        var vars = new ScopeVariables(this, exec);
        UserTaskState task;
        try
        {
            task = new UserTaskState
            {
                Id = NewId(),
                InstanceId = data.InstanceId,
                ActivityId = node.Id,
                ActivityInstanceId = exec.Id,
                Name = node.Name,
                Assignee = NullIfEmpty(EvaluateString(def.Assignee, vars)),
                CandidateUsers = EvaluateList(def.CandidateUsers, vars),
                CandidateGroups = EvaluateList(def.CandidateGroups, vars),
                DueDate = EvaluateDate(def.DueDate, vars, def.Calendar),
                FollowUpDate = EvaluateDate(def.FollowUpDate, vars, def.Calendar),
                Priority = def.Priority is null ? 50 : ToInt(Evaluate(def.Priority, vars)) ?? throw new ExpressionFailedException("userTask.invalid-priority", $"Priority of '{node.Id}' is not an integer."),
                FormKey = def.FormKey,
                CreatedAt = now,
                Status = UserTaskStatus.Created,
            };
        }
        catch (ExpressionFailedException ex)
        {
            RaiseIncident(exec, node.Id, "expression", $"User task '{node.Id}': {ex.Message}", null);
            return;
        }

        data.Tasks.Add(task);
        effects.Add(new UserTaskCreated(task));
        History(HistoryEntryType.TaskCreated, node, exec.Id, null, TaskData(task));
    }

    private static JsonObject? TaskData(UserTaskState t) => new()
    {
        ["taskId"] = t.Id,
        ["assignee"] = t.Assignee,
        ["candidateUsers"] = new JsonArray([.. t.CandidateUsers.Select(u => (JsonNode?)u)]),
        ["candidateGroups"] = new JsonArray([.. t.CandidateGroups.Select(g => (JsonNode?)g)]),
        ["dueDate"] = t.DueDate,
    };

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private string? EvaluateString(ValueSource? v, ScopeVariables vars)
    {
        if (v is null)
        {
            return null;
        }

        if (v.IsLiteral)
        {
            return v.Raw;
        }

        if (v.IsScript)
        {
            var r = Evaluate(v, vars);
            return r switch
            {
                null => null,
                JsonValue jv when jv.TryGetValue<string>(out var s) => s,
                _ => r.ToJsonString(),
            };
        }

        try
        {
            return evaluator.EvaluateString(v.Expression!, vars);
        }
        catch (ExpressionException ex)
        {
            throw new ExpressionFailedException(ex.Code, ex.Message, ex);
        }
    }

    private IReadOnlyList<string> EvaluateList(ValueSource? v, ScopeVariables vars)
    {
        if (v is null)
        {
            return [];
        }

        if (!v.IsLiteral && Evaluate(v, vars) is JsonArray arr)
        {
            var list = new List<string>(arr.Count);
            foreach (var item in arr)
            {
                if (item is JsonValue iv && iv.TryGetValue<string>(out var s) && s.Trim().Length > 0)
                {
                    list.Add(s.Trim());
                }
            }

            return list;
        }

        var text = EvaluateString(v, vars);
        return text is null ? [] : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    private DateTimeOffset? EvaluateDate(ValueSource? v, ScopeVariables vars, string? calendar)
    {
        var text = v is null ? null : v.IsLiteral ? v.Raw : Evaluate(v, vars) switch
        {
            null => null,
            JsonValue jv when jv.TryGetValue<string>(out var s) => s,
            var other => other.ToJsonString(),
        };
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim();
        if (text.StartsWith('P'))
        {
            if (!TimerMath.TryAddDuration(now, text, CalendarOf(calendar), out var due))
            {
                throw new ExpressionFailedException("date.invalid", $"'{text}' is not an ISO 8601 duration.");
            }

            return due;
        }

        if (TimerMath.TryParseDate(text, out var date))
        {
            return date;
        }

        throw new ExpressionFailedException("date.invalid", $"'{text}' is not an ISO 8601 date or duration.");
    }

    /// <summary>Under <c>pf:calendar</c>, days and weeks in durations count business days.</summary>
    private BusinessCalendar? CalendarOf(string? calendar)
    {
        if (calendar is null)
        {
            return null;
        }

        return evaluator.Calendars.TryGet(calendar, out var cal)
            ? cal
            : throw new ExpressionFailedException("calendar.unknown", $"Business calendar '{calendar}' is not known (have: {string.Join(", ", evaluator.Calendars.Names)}).");
    }

    private void DispatchJob(FlowNode node, ExecutionData exec, int? retries)
    {
        string topic;
        long priority;
        try
        {
            topic = EvaluateString(node.Topic, new ScopeVariables(this, exec)) ?? "";
            priority = node.TaskPriority is null ? 0 : ToLong(Evaluate(node.TaskPriority, new ScopeVariables(this, exec)))
                ?? throw new ExpressionFailedException("serviceTask.invalid-priority", $"camunda:taskPriority of '{node.Id}' is not an integer.");
        }
        catch (ExpressionFailedException ex)
        {
            RaiseIncident(exec, node.Id, "expression", $"Topic or priority of '{node.Id}' failed: {ex.Message}", null);
            return;
        }

        var attempts = retries ?? (node.RetryCycle is { } rc && TimerMath.TryParseRetryCycle(rc, out var a, out _) ? a : options.DefaultServiceTaskRetries);
        if (attempts < 1)
        {
            attempts = 1;
        }

        var job = new ServiceJobState(NewId(), node.Id, topic, exec.Id, attempts, ServiceJobStatus.Dispatched);
        data.Jobs.Add(job);
        var input = node.Inputs.Count > 0 ? Snapshot(exec.Variables) : Snapshot(VisibleVariables(exec));
        effects.Add(new ServiceTaskDispatched(job.Id, node.Id, topic, input, attempts, priority));
        History(HistoryEntryType.ServiceTaskDispatched, node, exec.Id, null, new JsonObject { ["jobId"] = job.Id, ["topic"] = topic, ["retriesLeft"] = attempts });
    }

    private bool PublishMessage(FlowNode node, ExecutionData context)
    {
        var vars = new ScopeVariables(this, context);
        string? key = data.BusinessKey;
        if (node.Event?.CorrelationKey is { } ck)
        {
            try
            {
                key = EvaluateString(ck, vars);
            }
            catch (ExpressionFailedException ex)
            {
                if (context.Kind == ExecutionKind.Activity)
                {
                    RaiseIncident(context, node.Id, "expression", $"Correlation key of '{node.Id}' failed: {ex.Message}", null);
                    return false;
                }

                Stuck(node, context, "expression", $"Correlation key of '{node.Id}' failed: {ex.Message}");
                return false;
            }
        }

        var payload = node.Inputs.Count > 0 && context.ElementId == node.Id ? Snapshot(context.Variables) : Snapshot(null);
        var name = node.Event?.MessageName ?? "";
        effects.Add(new MessagePublished(name, key, payload));
        History(HistoryEntryType.MessageSent, node, context.Id, null, new JsonObject { ["messageName"] = name, ["correlationKey"] = key });
        return true;
    }

    private void RunScript(FlowNode node, ExecutionData exec)
    {
        var assignments = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        JsonNode? result;
        try
        {
            result = evaluator.RunScript(node.Script!, new ScopeVariables(this, exec), assignments);
        }
        catch (ExpressionException ex)
        {
            RaiseIncident(exec, node.Id, "script", $"Script task '{node.Id}' failed: {ex.Message}", null);
            return;
        }

        if (node.ResultVariable is { } rv)
        {
            assignments[rv] = result;
        }

        if (assignments.Count > 0)
        {
            SetVariables(exec, assignments, local: node.Outputs.Count > 0);
            History(HistoryEntryType.VariablesUpdated, node, exec.Id, null, VariablesData(assignments, "variables"));
        }

        Leave(exec, node, null);
    }

    private void RequestChild(FlowNode node, ExecutionData exec)
    {
        var vars = new ScopeVariables(this, exec);
        string called;
        string? businessKey = null;
        var input = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        try
        {
            called = EvaluateString(node.CalledElement, vars) ?? "";
            foreach (var m in node.CallIn)
            {
                if (m.BusinessKey is not null)
                {
                    businessKey = EvaluateString(m.BusinessKey, vars);
                }
                else if (m.AllVariables)
                {
                    foreach (var kv in VisibleVariables(exec))
                    {
                        input[kv.Key] = kv.Value?.DeepClone();
                    }
                }
                else if (m.Target is not null)
                {
                    input[m.Target] = m.SourceExpression is not null ? m.SourceExpression.Expression is null ? JsonValue.Create(m.SourceExpression.Raw) : Evaluate(m.SourceExpression, vars)?.DeepClone()
                        : vars.TryGetVariable(m.Source!, out var v) ? v?.DeepClone() : null;
                }
            }
        }
        catch (ExpressionFailedException ex)
        {
            RaiseIncident(exec, node.Id, "expression", $"Call activity '{node.Id}': {ex.Message}", null);
            return;
        }

        var childId = NewId();
        data.Children.Add(new ChildInstanceState(childId, called, node.Id, exec.Id));
        var version = node.CalledElementBinding == "version" ? node.CalledElementVersion : null;
        effects.Add(new ChildInstanceRequested(childId, called, node.CalledElementBinding, version, businessKey, input, exec.Id));
    }

    // ------------------------------------------------------------------ input/output mappings and variables

    private bool ApplyInputs(FlowNode node, ExecutionData exec, ExecutionData parent)
    {
        if (node.Inputs.Count == 0)
        {
            return true;
        }

        var vars = new ScopeVariables(this, exec);
        try
        {
            foreach (var p in node.Inputs)
            {
                exec.Variables ??= new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
                exec.Variables[p.Name] = EvaluateParameter(p, vars);
            }
        }
        catch (ExpressionFailedException ex)
        {
            _ = parent;
            RaiseIncident(exec, node.Id, "expression", $"Input mapping of '{node.Id}' failed: {ex.Message}", null);
            return false;
        }

        return true;
    }

    private bool ApplyOutputs(FlowNode node, ExecutionData exec, ExecutionData parent)
    {
        var vars = new ScopeVariables(this, exec);
        var results = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        try
        {
            foreach (var p in node.Outputs)
            {
                results[p.Name] = EvaluateParameter(p, vars);
            }
        }
        catch (ExpressionFailedException ex)
        {
            RaiseIncident(exec, node.Id, "expression", $"Output mapping of '{node.Id}' failed: {ex.Message}", null);
            return false;
        }

        SetVariables(parent.Kind == ExecutionKind.MultiInstanceBody ? index[parent.ParentId!] : parent, results, local: false);
        return true;
    }

    private JsonNode? EvaluateParameter(IoParameter p, ScopeVariables vars)
    {
        if (p.List is not null)
        {
            var arr = new JsonArray();
            foreach (var v in p.List)
            {
                arr.Add(Evaluate(v, vars)?.DeepClone());
            }

            return arr;
        }

        if (p.Map is not null)
        {
            var obj = new JsonObject();
            foreach (var kv in p.Map)
            {
                obj[kv.Key] = Evaluate(kv.Value, vars)?.DeepClone();
            }

            return obj;
        }

        return p.Value is null ? null : Evaluate(p.Value, vars)?.DeepClone();
    }

    private JsonNode? Evaluate(ValueSource v, IVariableScope vars)
    {
        if (v.IsLiteral)
        {
            return JsonValue.Create(v.Raw);
        }

        try
        {
            return v.IsScript ? evaluator.RunScript(v.Expression!, vars, new Dictionary<string, JsonNode?>(StringComparer.Ordinal)) : evaluator.Evaluate(v.Expression!, vars);
        }
        catch (ExpressionException ex)
        {
            throw new ExpressionFailedException(ex.Code, ex.Message, ex);
        }
    }

    private bool EvaluateCondition(ValueSource v, IVariableScope vars)
    {
        if (v.IsLiteral)
        {
            return v.Raw.Trim() switch
            {
                "true" => true,
                "false" => false,
                _ => throw new ExpressionFailedException("expression.not-boolean", $"Condition '{v.Raw}' is not an expression."),
            };
        }

        if (v.IsScript)
        {
            return Evaluate(v, vars) is JsonValue jv && jv.TryGetValue<bool>(out var b)
                ? b
                : throw new ExpressionFailedException(ExpressionErrorCodes.NotBoolean, $"Script condition '{v.Raw}' did not return a boolean.");
        }

        try
        {
            return evaluator.EvaluateCondition(v.Expression!, vars);
        }
        catch (ExpressionException ex)
        {
            throw new ExpressionFailedException(ex.Code, ex.Message, ex);
        }
    }

    /// <summary>Camunda setVariable semantics: overwrite where the variable already exists (innermost first), else create it on the root; or always local.</summary>
    private void SetVariables(ExecutionData exec, IReadOnlyDictionary<string, JsonNode?> values, bool local)
    {
        foreach (var kv in values)
        {
            var value = kv.Value;
            if (local)
            {
                exec.Variables ??= new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
                exec.Variables[kv.Key] = value;
                continue;
            }

            var target = exec;
            ExecutionData? found = null;
            while (true)
            {
                if (target.Variables is not null && target.Variables.ContainsKey(kv.Key))
                {
                    found = target;
                    break;
                }

                if (target.ParentId is null || !index.TryGetValue(target.ParentId, out var p))
                {
                    break;
                }

                target = p;
            }

            found ??= data.Executions[0];
            found.Variables ??= new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
            found.Variables[kv.Key] = value;
        }
    }

    private Dictionary<string, JsonNode?> VisibleVariables(ExecutionData exec)
    {
        var result = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        var cur = exec;
        while (cur is not null)
        {
            if (cur.Variables is not null)
            {
                foreach (var kv in cur.Variables)
                {
                    result.TryAdd(kv.Key, kv.Value);
                }
            }

            cur = cur.ParentId is not null && index.TryGetValue(cur.ParentId, out var p) ? p : null;
        }

        return result;
    }

    private static Dictionary<string, JsonNode?> CopyVariables(IReadOnlyDictionary<string, JsonNode?>? vars)
    {
        var d = new Dictionary<string, JsonNode?>(vars?.Count ?? 0, StringComparer.Ordinal);
        if (vars is null)
        {
            return d;
        }

        foreach (var kv in vars)
        {
            if (string.IsNullOrWhiteSpace(kv.Key))
            {
                throw new CommandRejectedException("variables.invalid", "Variable names must not be empty.");
            }

            d[kv.Key] = kv.Value?.DeepClone();
        }

        return d;
    }

    /// <summary>An independent copy for effects (the runtime may keep it; our state must not alias it).</summary>
    private static IReadOnlyDictionary<string, JsonNode?> Snapshot(Dictionary<string, JsonNode?>? vars)
    {
        var d = new Dictionary<string, JsonNode?>(vars?.Count ?? 0, StringComparer.Ordinal);
        if (vars is not null)
        {
            foreach (var kv in vars)
            {
                d[kv.Key] = kv.Value?.DeepClone();
            }
        }

        return d;
    }

    private JsonObject? VariablesData(IReadOnlyDictionary<string, JsonNode?>? vars, string name)
    {
        if (!options.RecordHistory || vars is null || vars.Count == 0)
        {
            return null;
        }

        var obj = new JsonObject();
        foreach (var kv in vars)
        {
            obj[kv.Key] = kv.Value?.DeepClone();
        }

        return new JsonObject { [name] = obj };
    }

    /// <summary>Variables visible from one execution (its own, then its ancestors').</summary>
    private sealed class ScopeVariables(Interpreter owner, ExecutionData exec) : IVariableScope
    {
        public bool TryGetVariable(string name, out JsonNode? value)
        {
            var cur = exec;
            while (cur is not null)
            {
                if (cur.Variables is not null && cur.Variables.TryGetValue(name, out value))
                {
                    return true;
                }

                cur = cur.ParentId is not null && owner.index.TryGetValue(cur.ParentId, out var p) ? p : null;
            }

            switch (name)
            {
                case "businessKey":
                    value = owner.data.BusinessKey;
                    return true;
                case "initiator":
                    value = owner.data.StartedBy;
                    return true;
                case "processInstanceId":
                    value = owner.data.InstanceId;
                    return true;
                default:
                    value = null;
                    return false;
            }
        }
    }

    private static string Invariant(long n) => n.ToString(CultureInfo.InvariantCulture);
}
