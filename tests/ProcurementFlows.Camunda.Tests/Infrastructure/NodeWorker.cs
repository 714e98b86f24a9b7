using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace ProcurementFlows.Camunda.Tests.Infrastructure;

/// <summary>Runs <c>node/worker.mjs</c> (Camunda's npm external-task client); installs it with <c>npm ci --ignore-scripts</c> when missing.</summary>
public static class NodeWorker
{
    private static readonly SemaphoreSlim InstallLock = new(1, 1);

    public static string Directory() => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(ThisFile())!, "..", "node"));

    private static string ThisFile([CallerFilePath] string source = "") => source;

    public static async Task EnsureInstalledAsync()
    {
        var dir = Directory();
        await InstallLock.WaitAsync();
        try
        {
            var marker = Path.Combine(dir, "node_modules", ".package-lock.json");
            if (File.Exists(marker) && File.GetLastWriteTimeUtc(marker) >= File.GetLastWriteTimeUtc(Path.Combine(dir, "package-lock.json")))
            {
                return;
            }

            var (exit, output) = await RunAsync("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], dir, TimeSpan.FromMinutes(5));
            Assert.True(exit == 0, $"npm ci failed ({exit}): {output}");
        }
        finally
        {
            InstallLock.Release();
        }
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["npm_config_update_notifier"] = "false";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (-1, $"timed out after {timeout}: {await stdout}\n{await stderr}");
        }

        return (process.ExitCode, await stdout + "\n" + await stderr);
    }
}
