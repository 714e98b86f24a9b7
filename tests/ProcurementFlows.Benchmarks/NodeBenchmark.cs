using System.Diagnostics;
using System.Text.Json;

namespace ProcurementFlows.Benchmarks;

internal sealed record NodeResult(double InstancesPerSecond, double ActivityEndsPerInstance, string NodeVersion, string BpmnEngineVersion);

/// <summary>Runs <c>node/bench.js</c> (npm bpmn-engine) on the same diagram; installs it with <c>npm ci --ignore-scripts</c> when needed.</summary>
internal static class NodeBenchmark
{
    public static NodeResult Run(double seconds)
    {
        var projectDir = FindProjectDirectory();
        var nodeDir = Path.Combine(projectDir, "node");
        if (!Directory.Exists(Path.Combine(nodeDir, "node_modules", "bpmn-engine")))
        {
            Console.Error.WriteLine("installing bpmn-engine (npm ci --ignore-scripts)...");
            Exec("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], nodeDir, TimeSpan.FromMinutes(5));
        }

        var diagram = Path.Combine(projectDir, EngineSuite.DiagramFile);
        var output = Exec("node", ["bench.js", diagram, seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "2"], nodeDir, TimeSpan.FromSeconds(seconds + 120));
        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.TrimStart().StartsWith('{'))
            ?? throw new InvalidOperationException("bench.js printed no result");
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        var instances = root.GetProperty("instances").GetDouble();
        return new NodeResult(
            root.GetProperty("instancesPerSecond").GetDouble(),
            instances == 0 ? 0 : root.GetProperty("activityEnds").GetDouble() / instances,
            root.GetProperty("node").GetString() ?? "?",
            root.GetProperty("bpmnEngine").GetString() ?? "?");
    }

    private static string FindProjectDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ProcurementFlows.Benchmarks.csproj")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("cannot find the ProcurementFlows.Benchmarks project folder");
    }

    private static string Exec(string file, string[] arguments, string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"{file} is not available: {ex.Message}", ex);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} timed out");
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {stderr.Result.Trim()}");
            }

            return stdout.Result;
        }
    }
}
