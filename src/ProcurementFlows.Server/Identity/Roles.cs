namespace ProcurementFlows.Server.Identity;

/// <summary>The roles the service knows and the authorization policies built on them.</summary>
public static class Roles
{
    /// <summary>Process designers: deploy and manage definitions.</summary>
    public const string Designer = "designer";

    /// <summary>Officers: work the tasks of their groups.</summary>
    public const string Officer = "officer";

    /// <summary>Supervisors: supervision, reassignment, incidents.</summary>
    public const string Supervisor = "supervisor";

    /// <summary>Administrators: operations and the Hangfire dashboard.</summary>
    public const string Admin = "admin";

    /// <summary>Every role, for validation.</summary>
    public static readonly IReadOnlyList<string> All = [Designer, Officer, Supervisor, Admin];
}

/// <summary>Authorization policy names.</summary>
public static class Policies
{
    /// <summary>Designers (and admins): definitions.</summary>
    public const string Designer = "designer";

    /// <summary>Officers and supervisors (and admins): task work.</summary>
    public const string Officer = "officer";

    /// <summary>Supervisors (and admins): supervision, reassign, incidents, migration.</summary>
    public const string Supervisor = "supervisor";

    /// <summary>Admins only: operations and the Hangfire dashboard.</summary>
    public const string Admin = "admin";
}
