using System.Diagnostics;

namespace ProcurementFlows.Runtime.Tests.Infrastructure;

/// <summary>The runtime test host (<c>ProcurementFlows.Runtime.TestHost</c>) running in its own process.</summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HostProcess(Process process)
    {
        _process = process;
    }

    public int Id => _process.Id;

    /// <summary>Where the host's console output goes (kept for diagnosing a failed drill).</summary>
    public string LogFile { get; private set; } = "";

    public static async Task<HostProcess> StartAsync(string connectionString, int workers = 8)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "ProcurementFlows.Runtime.TestHost.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add(connectionString);
        info.ArgumentList.Add(workers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the test host.");
        var host = new HostProcess(process) { LogFile = Path.Combine(Path.GetTempPath(), $"pf-testhost-{process.Id}.log") };
        var log = TextWriter.Synchronized(new StreamWriter(host.LogFile) { AutoFlush = true });
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data == "READY")
            {
                host._ready.TrySetResult();
            }

            log.WriteLine(e.Data);
        };
        process.ErrorDataReceived += (_, e) => log.WriteLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var ready = await Task.WhenAny(host._ready.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
        if (ready != host._ready.Task)
        {
            throw new InvalidOperationException($"The test host did not become ready (exited: {process.HasExited}).");
        }

        return host;
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void KillHard() => _process.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
