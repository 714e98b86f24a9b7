namespace ProcurementFlows.Runtime;

/// <summary>
/// The one rule for which user tasks a user may see (and so act on, subject to the command's own checks): the tasks
/// they are assignee, owner (delegated tasks), candidate user, or member of a candidate group of. Users who see all
/// tasks (supervisors, admins — a role decision the caller makes) see every task. The inbox (<see cref="IProcessQueries.GetInboxAsync"/>),
/// the task search behind Camunda's <c>/task</c> (<see cref="ITaskSearchService"/>), and the single-task checks of
/// both APIs use this rule, so they cannot drift apart.
/// </summary>
public static class TaskVisibility
{
    /// <summary>Whether <paramref name="user"/> may see <paramref name="task"/>.</summary>
    public static bool CanSee(TaskSummary task, UserContext user, bool seesAllTasks)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(user);
        return seesAllTasks
            || task.Assignee == user.UserId
            || task.Owner == user.UserId
            || task.CandidateUsers.Contains(user.UserId, StringComparer.Ordinal)
            || task.CandidateGroups.Intersect(user.Groups, StringComparer.Ordinal).Any();
    }

    /// <summary>
    /// The same rule as an SQL predicate over <c>pf.tasks</c> (alias <paramref name="alias"/>, e.g. <c>t.</c> or empty),
    /// with the user id in parameter <paramref name="user"/> and the groups (text[]) in <paramref name="groups"/>.
    /// </summary>
    internal static string Sql(string alias, string user, string groups) =>
        $"({alias}assignee = @{user} OR {NotAssignee(alias, user, groups)})";

    /// <summary>The rule narrowed to unassigned tasks (the inbox's claimable scope).</summary>
    internal static string UnassignedSql(string alias, string user, string groups) =>
        $"({alias}assignee IS NULL AND {NotAssignee(alias, user, groups)})";

    /// <summary>
    /// The rule narrowed to the user's own and unassigned tasks (the inbox's default scope), written so that the
    /// assignee comparison stays a top-level alternative (the inbox's index on assignee serves it).
    /// </summary>
    internal static string MineOrUnassignedSql(string alias, string user, string groups) =>
        $"({alias}assignee = @{user} OR {UnassignedSql(alias, user, groups)})";

    /// <summary>The rule's other grounds besides being the assignee: owner, candidate user, candidate group member.</summary>
    private static string NotAssignee(string alias, string user, string groups) =>
        $"({alias}owner = @{user} OR @{user} = ANY({alias}candidate_users) OR {alias}candidate_groups && @{groups})";
}
