using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace ProcurementFlows.Server.Tests;

/// <summary>
/// Static checks of docker/Dockerfile (no Docker engine here): the restore layer has every project the server needs and the
/// files their evaluation imports, and the workbench is built with node in its own stage.
/// </summary>
public sealed partial class DockerfileTests
{
    private static readonly string Root = FindRepositoryRoot();
    private static readonly string Dockerfile = File.ReadAllText(Path.Combine(Root, "docker", "Dockerfile"));

    [Fact]
    public void The_restore_layer_copies_every_project_the_server_references_and_every_file_they_import()
    {
        var restoreAt = Dockerfile.IndexOf("RUN dotnet restore", StringComparison.Ordinal);
        Assert.True(restoreAt > 0, "the Dockerfile restores before copying the sources");
        var copied = CopyLine().Matches(Dockerfile[..restoreAt]).SelectMany(m => m.Groups["sources"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToHashSet(StringComparer.Ordinal);

        foreach (var needed in ServerClosure())
        {
            Assert.True(copied.Contains(needed), $"docker/Dockerfile must COPY {needed} before `dotnet restore`");
        }
    }

    [Fact]
    public void The_workbench_is_built_by_node_and_the_publish_uses_that_build()
    {
        Assert.Matches(@"FROM node:\d+[^\s]* AS web", Dockerfile);
        Assert.Contains("npm ci --ignore-scripts", Dockerfile, StringComparison.Ordinal);
        Assert.Contains("RUN npm run build", Dockerfile, StringComparison.Ordinal);
        Assert.Contains("COPY --from=web /web/dist/ src/ProcurementFlows.Web/dist/", Dockerfile, StringComparison.Ordinal);
        Assert.Contains("-p:PfWebSkipBuild=true", Dockerfile, StringComparison.Ordinal);
        Assert.Contains("COPY workflows/ workflows/", Dockerfile, StringComparison.Ordinal);
    }

    /// <summary>The server's project file, its project references (transitively) and the files they import, relative to the root.</summary>
    private static IEnumerable<string> ServerClosure()
    {
        var pending = new Stack<string>([Path.Combine(Root, "src", "ProcurementFlows.Server", "ProcurementFlows.Server.csproj")]);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (pending.TryPop(out var project))
        {
            if (!seen.Add(project))
            {
                continue;
            }

            var dir = Path.GetDirectoryName(project)!;
            var xml = XDocument.Load(project);
            foreach (var reference in xml.Descendants("ProjectReference").Select(r => (string)r.Attribute("Include")!))
            {
                pending.Push(Path.GetFullPath(Path.Combine(dir, reference.Replace('\\', '/'))));
            }

            foreach (var import in xml.Descendants("Import").Select(i => (string)i.Attribute("Project")!).Where(i => !i.Contains('$', StringComparison.Ordinal)))
            {
                seen.Add(Path.GetFullPath(Path.Combine(dir, import.Replace('\\', '/'))));
            }
        }

        return seen.Select(p => Path.GetRelativePath(Root, p).Replace('\\', '/'));
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ProcurementFlows.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ProcurementFlows.sln not found above the test folder.");
    }

    [GeneratedRegex(@"^COPY (?!--from)(?<sources>.+) [^ ]+/?\s*$", RegexOptions.Multiline)]
    private static partial Regex CopyLine();
}
