using ProcurementFlows.Runtime.LocalPostgres;

namespace ProcurementFlows.Testing;

/// <summary>
/// One private PostgreSQL cluster per test process (the runtime's <see cref="LocalPostgresCluster"/>, no fsync, in a
/// temporary folder), started on first use and stopped — its folder deleted — when the process exits. Tests get a
/// database each, so test classes and servers under test never see each other's rows.
/// </summary>
public static class TestPostgres
{
    private static readonly Lazy<Task<LocalPostgresCluster>> Cluster = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly SemaphoreSlim CreateLock = new(1, 1);
    private const string FolderPrefix = "pf-tests-";
    private static int counter;

    /// <summary>The process's cluster.</summary>
    public static Task<LocalPostgresCluster> GetClusterAsync() => Cluster.Value;

    /// <summary>
    /// Creates a new database named after <paramref name="prefix"/> (optionally copied from <paramref name="template"/>)
    /// and returns its connection string.
    /// </summary>
    public static async Task<string> CreateDatabaseAsync(string prefix, string? template = null)
    {
        var cluster = await Cluster.Value;
        var name = $"{prefix.ToLowerInvariant()}_{Interlocked.Increment(ref counter)}";
        // CREATE DATABASE ... TEMPLATE fails while another copy of the same template is being made.
        await CreateLock.WaitAsync();
        try
        {
            await cluster.EnsureDatabaseAsync(name, template: template);
        }
        finally
        {
            CreateLock.Release();
        }

        return cluster.BuildConnectionString(name);
    }

    private static async Task<LocalPostgresCluster> StartAsync()
    {
        RemoveStoppedClusters();
        var root = Path.Combine(Path.GetTempPath(), $"{FolderPrefix}{Environment.ProcessId}");
        var cluster = await LocalPostgresCluster.StartAsync(new LocalPostgresOptions { RootDirectory = root, Durable = false, MaxConnections = 400 });
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            // Immediate: the data is thrown away, and the test runner kills a test host that takes more than about 100 ms
            // to exit; a fast shutdown's checkpoint on a loaded machine took minutes and left the cluster running.
            cluster.StopImmediatelyAsync().GetAwaiter().GetResult();
            DeleteFolder(root);
        };
        return cluster;
    }

    /// <summary>
    /// Deletes the folders of earlier test processes that have ended and whose cluster is stopped (no postmaster.pid):
    /// the exit handler does not always get to delete its own before the test host is torn down.
    /// </summary>
    private static void RemoveStoppedClusters()
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), FolderPrefix + "*"))
        {
            if (int.TryParse(Path.GetFileName(folder)[FolderPrefix.Length..], out var pid) && !IsRunning(pid) && !File.Exists(Path.Combine(folder, "data", "postmaster.pid")))
            {
                DeleteFolder(folder);
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void DeleteFolder(string root)
    {
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // a temporary folder: best effort (the next run removes what is left)
        }
    }
}
