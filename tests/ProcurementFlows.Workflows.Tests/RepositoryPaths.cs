namespace ProcurementFlows.Workflows.Tests;

/// <summary>Finds the repository's workflows/ folder and the shared conformance material from the test's output folder.</summary>
internal static class RepositoryPaths
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string RepositoryRoot => Root.Value;

    public static string Workflows => Path.Combine(RepositoryRoot, "workflows");

    /// <summary>../shared/conformance relative to the repository root (a symlink in worktrees, a copy beside the clone in CI).</summary>
    public static string Conformance => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "conformance"));

    public static string Ocds => Path.Combine(Conformance, "ocds-1.1.5");

    public static IEnumerable<string> ProcessFiles => Directory.EnumerateFiles(Workflows, "*.bpmn").Order(StringComparer.Ordinal);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ProcurementFlows.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ProcurementFlows.sln not found above " + AppContext.BaseDirectory);
    }
}
