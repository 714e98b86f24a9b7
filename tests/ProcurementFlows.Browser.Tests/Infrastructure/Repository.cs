namespace ProcurementFlows.Browser.Tests.Infrastructure;

/// <summary>Paths in the repository the tests run from.</summary>
public static class Repository
{
    /// <summary>The directory holding ProcurementFlows.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Where each run writes its page screenshots (gitignored).</summary>
    public static string ScreenshotDirectory { get; } = Directory.CreateDirectory(Path.Combine(Root, "TestResults", "screenshots")).FullName;

    /// <summary>The shipped workflows (<c>workflows/*.bpmn</c>), sorted by name.</summary>
    public static IReadOnlyList<string> WorkflowDiagrams() =>
        Directory.Exists(Path.Combine(Root, "workflows"))
            ? [.. Directory.GetFiles(Path.Combine(Root, "workflows"), "*.bpmn", SearchOption.AllDirectories).Order(StringComparer.Ordinal)]
            : [];

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ProcurementFlows.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"ProcurementFlows.sln not found above {AppContext.BaseDirectory}.");
    }
}
