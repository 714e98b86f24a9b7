namespace ProcurementFlows.Runtime.LocalPostgres;

/// <summary>Options for a private PostgreSQL cluster started from the machine's binaries.</summary>
public sealed class LocalPostgresOptions
{
    /// <summary>
    /// Folder that holds the cluster (<c>data/</c>, the generated password and the server log).
    /// An existing cluster in this folder is reused. Required.
    /// </summary>
    public string RootDirectory { get; set; } = "";

    /// <summary>Database created (if missing) for the application. Default <c>procurementflows</c>.</summary>
    public string Database { get; set; } = "procurementflows";

    /// <summary>
    /// Folder with <c>initdb</c>, <c>pg_ctl</c> and <c>postgres</c>. Default: the newest
    /// <c>/usr/lib/postgresql/*/bin</c>.
    /// </summary>
    public string? BinDirectory { get; set; }

    /// <summary>
    /// When false, <c>fsync</c> and <c>synchronous_commit</c> are off: much faster, but a machine crash
    /// (not a process crash) can lose data. For tests and benchmarks only. Default true.
    /// </summary>
    public bool Durable { get; set; } = true;

    /// <summary><c>max_connections</c> of the cluster. Default 200.</summary>
    public int MaxConnections { get; set; } = 200;

    /// <summary>How long start-up may take before it is reported as failed. Default 60 s.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
