using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;
using ProcurementFlows.Engine;
using ProcurementFlows.Engine.Expressions;
using ProcurementFlows.Engine.Timers;

namespace ProcurementFlows.Runtime.Jobs;

/// <summary>
/// Timer start events (Camunda semantics): the latest version of a process schedules one pending row in
/// <c>pf.timers</c> per timer start event (no instance id; <c>definition_key</c>/<c>definition_version</c> say
/// whose), handed to Hangfire like every timer. Firing one starts an instance at that start event and, for a
/// cycle, inserts the next occurrence as a new row; deploying a newer version cancels the pending start timers
/// of the older ones. Deployments and firings of start timers are serialized by the deployment lock.
/// </summary>
internal static class StartTimers
{
    /// <summary>Advisory lock key taken exclusively by deployments (see DeploymentService).</summary>
    public const long DeployLockKey = 0x5046_4445_504C_4F59;

    /// <summary>The row id of occurrence <paramref name="occurrence"/> (0-based) of a start event.</summary>
    public static string TimerId(string key, int version, string elementId, int occurrence) =>
        string.Create(CultureInfo.InvariantCulture, $"start:{key}:{version}:{elementId}:{occurrence}");

    /// <summary>When a start timer first falls due after deployment at <paramref name="now"/>, or null when it never does.</summary>
    public static DateTimeOffset? FirstDue(TimerStartEventInfo info, DateTimeOffset now, ExpressionEvaluator evaluator, out string? problem) =>
        Parse(info, evaluator, out problem)?.GetDueDate(now);

    /// <summary>The occurrence after one that fell due at <paramref name="previousDue"/>, or null when the cycle is exhausted.</summary>
    public static DateTimeOffset? NextDue(TimerStartEventInfo info, DateTimeOffset previousDue, int firedCount, ExpressionEvaluator evaluator) =>
        Parse(info, evaluator, out _)?.GetNextDueAfter(previousDue, firedCount);

    /// <summary>
    /// The timer definition of a start event. An expression is evaluated without variables (there is no instance yet;
    /// deployment refuses expressions that read variables, <c>timer.start-needs-variables</c>), e.g.
    /// <c>${dates.addDays(today(), 1)}</c>, like Camunda, which offers only beans and static values there.
    /// </summary>
    private static TimerDefinition? Parse(TimerStartEventInfo info, ExpressionEvaluator evaluator, out string? problem)
    {
        var text = info.Expression;
        problem = null;
        if (text.Contains("${", StringComparison.Ordinal) || text.Contains("#{", StringComparison.Ordinal))
        {
            var compiled = ExpressionCompiler.Compile(text, info.ElementId);
            if (compiled.Expression is not { ReadsInstanceData: false } expression)
            {
                problem = compiled.Diagnostic?.Message ?? "the expression reads process variables";
                return null;
            }

            try
            {
                text = info.Kind == TimerKind.Date
                    ? evaluator.EvaluateDate(expression, DictionaryVariableScope.Empty).ToString("O", CultureInfo.InvariantCulture)
                    : evaluator.EvaluateString(expression, DictionaryVariableScope.Empty) ?? "";
            }
            catch (ExpressionException ex)
            {
                problem = ex.Message;
                return null;
            }
        }

        if (!TimerDefinition.TryParse(info.Kind, text, out var definition, out _, out var error))
        {
            problem = error;
            return null;
        }

        return definition;
    }

    /// <summary>
    /// Inside a deployment's transaction (lock held): cancels the pending start timers of earlier versions of
    /// <paramref name="process"/> and inserts the first occurrence of each of its own. Returns what to hand to
    /// Hangfire after the commit.
    /// </summary>
    public static async Task<(List<(string TimerId, string InstanceId, DateTimeOffset DueAt)> Scheduled, List<string> Cancelled)> ReplaceAsync(
        NpgsqlConnection connection, CompiledProcess process, int version, DateTimeOffset now, ExpressionEvaluator evaluator, ILogger logger, CancellationToken cancellationToken)
    {
        var cancelled = new List<string>();
        await using (var cancel = new NpgsqlCommand(
            "UPDATE pf.timers SET status = 'cancelled', closed_at = @now WHERE instance_id IS NULL AND definition_key = @k AND definition_version < @v AND status = 'pending' RETURNING id",
            connection))
        {
            cancel.Parameters.AddWithValue("now", now);
            cancel.Parameters.AddWithValue("k", process.Key);
            cancel.Parameters.AddWithValue("v", version);
            await using var reader = await cancel.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                cancelled.Add(reader.GetString(0));
            }
        }

        var scheduled = new List<(string, string, DateTimeOffset)>();
        foreach (var start in process.TimerStartEvents)
        {
            if (FirstDue(start, now, evaluator, out var problem) is not { } due)
            {
                // A cycle already exhausted, or an expression that failed when evaluated now: nothing to schedule.
                logger.LogWarning("Timer start event {ElementId} of {Key} v{Version} ({Expression}) has no due date ({Problem}); not scheduled", start.ElementId, process.Key, version, start.Expression, problem ?? "no further occurrence");
                continue;
            }

            var id = TimerId(process.Key, version, start.ElementId, 0);
            await using var insert = new NpgsqlCommand("""
                INSERT INTO pf.timers (id, instance_id, activity_id, due_at, status, created_at, definition_key, definition_version, fired_count)
                VALUES (@id, NULL, @element, @due, 'pending', @now, @k, @v, 0)
                ON CONFLICT (id) DO NOTHING
                """, connection);
            insert.Parameters.AddWithValue("id", id);
            insert.Parameters.AddWithValue("element", start.ElementId);
            insert.Parameters.AddWithValue("due", due.ToUniversalTime());
            insert.Parameters.AddWithValue("now", now);
            insert.Parameters.AddWithValue("k", process.Key);
            insert.Parameters.AddWithValue("v", version);
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                scheduled.Add((id, "", due));
            }
        }

        return (scheduled, cancelled);
    }
}
