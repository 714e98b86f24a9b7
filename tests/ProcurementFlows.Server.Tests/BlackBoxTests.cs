using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ProcurementFlows.Server.Tests.Infrastructure;

namespace ProcurementFlows.Server.Tests;

/// <summary>
/// Starts the built server the way the README does (Development environment, private PostgreSQL, the shipped
/// workflows), as a child process on a port of its choosing, and drives a case through a user task and a timer.
/// </summary>
public sealed partial class BlackBoxTests
{
    [Fact]
    public async Task The_server_starts_runs_a_case_through_a_task_and_a_timer_and_stops_cleanly()
    {
        var repository = FindRepositoryRoot();
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"pf-blackbox-{Guid.NewGuid():N}");
        using var process = StartServer(repository, dataDirectory, out var output);
        var postgresLeftRunning = false;
        try
        {
            var baseAddress = await WaitForAddress(process, output);
            using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };

            // The banner printed the sample sign-ins (it is one write, but read line by line: the lines after the address
            // may arrive a moment later); the shipped workflows are deployed.
            await WaitForOutput(process, output, "olav", TimeSpan.FromSeconds(30));
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);
            await SignIn(http, "dana", "dana-designs");
            var definitions = await http.GetFromJsonAsync<JsonElement>("/api/definitions");
            Assert.Contains(definitions.EnumerateArray(), d => d.GetProperty("key").GetString() == "procurement-case");

            // Deploy a diagram with a two-second timer and run a case through both tasks and the timer.
            using (var files = Rest.Files(("blackbox.bpmn", Diagrams.Approval("blackbox", "PT2S")), ("request.form", Diagrams.RequestForm)))
            {
                (await http.PostAsync("/api/definitions", files)).EnsureSuccessStatusCode();
            }

            await SignIn(http, "olav", "olav-buys");
            var started = await Rest.Json(await http.PostAsJsonAsync("/api/instances", new { processKey = "blackbox", businessKey = "PF-BB-1" }), HttpStatusCode.Created);
            var instanceId = started.GetProperty("instanceId").GetString()!;
            var request = started.GetProperty("openTaskIds")[0].GetString()!;
            await Rest.Json(await http.PostAsJsonAsync($"/api/tasks/{request}/claim", new { }));
            var afterRequest = await Rest.Json(await http.PostAsJsonAsync(
                $"/api/tasks/{request}/complete",
                new { variables = new { title = "Radios", amount = 10, procedure = "negotiated" } }));
            var approve = afterRequest.GetProperty("openTaskIds")[0].GetString()!;

            await SignIn(http, "siri", "siri-supervises");
            await Rest.Json(await http.PostAsJsonAsync($"/api/tasks/{approve}/claim", new { }));
            await Rest.Json(await http.PostAsJsonAsync($"/api/tasks/{approve}/complete", new { variables = new { approved = true } }));

            var status = "";
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(90) && status != "Completed")
            {
                await Task.Delay(250);
                var detail = await http.GetFromJsonAsync<JsonElement>($"/api/instances/{instanceId}");
                status = detail.GetProperty("instance").GetProperty("status").GetString()!;
            }

            Assert.True(status == "Completed", $"The timer did not complete the case within 90 s (status {status}).\n{output}");
            var audit = await http.GetFromJsonAsync<JsonElement>($"/api/instances/{instanceId}/audit/verify");
            Assert.True(audit.GetProperty("isValid").GetBoolean());
        }
        finally
        {
            await StopGracefully(process, output);
            postgresLeftRunning = Directory.EnumerateFiles(dataDirectory, "postmaster.pid", SearchOption.AllDirectories).Any();
            TryDelete(dataDirectory);
        }

        Assert.True(process.ExitCode == 0, $"Exit code {process.ExitCode}:\n{output}");
        Assert.False(postgresLeftRunning, "PostgreSQL was left running after the server stopped.");
    }

    private static async Task SignIn(HttpClient http, string user, string password)
    {
        var token = await Rest.Json(await http.PostAsJsonAsync("/api/auth/token", new { userName = user, password }));
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("access_token").GetString());
    }

    private static Process StartServer(string repository, string dataDirectory, out StringBuilder output)
    {
        var dll = Path.Combine(repository, "src", "ProcurementFlows.Server", "bin", Configuration, "net10.0", "ProcurementFlows.Server.dll");
        Assert.True(File.Exists(dll), $"Build the server first: {dll} is missing.");
        var info = new ProcessStartInfo("dotnet")
        {
            // As `dotnet run --project src/ProcurementFlows.Server` does: that folder is the content root, Development environment.
            WorkingDirectory = Path.Combine(repository, "src", "ProcurementFlows.Server"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add("http://127.0.0.1:0");
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        // Keep the private cluster out of the work tree; everything else is the default start-up.
        info.Environment["ProcurementFlows__Runtime__LocalPostgresDirectory"] = dataDirectory;
        info.Environment["ProcurementFlows__Runtime__LocalPostgresDurable"] = "false";
        var log = new StringBuilder();
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = log;
        return process;
    }

    private static async Task<Uri> WaitForAddress(Process process, StringBuilder output)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(180))
        {
            string text;
            lock (output)
            {
                text = output.ToString();
            }

            if (Address().Match(text) is { Success: true } match)
            {
                return new Uri(match.Groups[1].Value);
            }

            Assert.False(process.HasExited, $"The server exited during start-up:\n{text}");
            await Task.Delay(100);
        }

        throw new TimeoutException($"The server did not print its address within 180 s:\n{output}");
    }

    private static async Task WaitForOutput(Process process, StringBuilder output, string expected, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            string text;
            lock (output)
            {
                text = output.ToString();
            }

            if (text.Contains(expected, StringComparison.Ordinal))
            {
                return;
            }

            Assert.False(process.HasExited, $"The server exited:\n{text}");
            Assert.True(deadline.Elapsed < timeout, $"The server did not print \"{expected}\" within {timeout.TotalSeconds:0} s:\n{text}");
            await Task.Delay(50);
        }
    }

    private static async Task StopGracefully(Process process, StringBuilder output)
    {
        if (process.HasExited)
        {
            return;
        }

        // SIGTERM: the host stops Hangfire and the private PostgreSQL before exiting.
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"The server did not stop within 60 s of SIGTERM:\n{output}");
        }
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

    private static string Configuration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // a temp folder: best effort
        }
    }

    [GeneratedRegex(@"Workbench and API: (http://[0-9.:]+)")]
    private static partial Regex Address();
}
