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
    /// with the user id in parameter <paramref name="userParameter"/> and the groups (text[]) in <paramref name="groupsParameter"/>.
    /// </summary>
    internal static string Sql(string alias, string userParameter, string groupsParameter) =>
        $"({alias}assignee = @{userParameter} OR {alias}owner = @{userParameter} OR @{userParameter} = ANY({alias}candidate_users) OR {alias}candidate_groups && @{groupsParameter})";
}
