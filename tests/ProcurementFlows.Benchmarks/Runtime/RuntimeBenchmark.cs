using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using ProcurementFlows.Runtime.LocalPostgres;

namespace ProcurementFlows.Runtime.Benchmarks;

/// <summary>
/// Suite <c>runtime</c>: pgbench (TPC-B and -N) as the baseline on the same private cluster, then the
/// runtime's instance starts/s, task completions/s, 10,000 simultaneous timers, and complete-task
/// latency with many active instances. Options: <c>--active N</c> (default 100000), <c>--clients N</c>
/// (default 8), <c>--seconds N</c> for pgbench (default 15), <c>--fast</c> (fsync off).
/// </summary>
public static class RuntimeBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var active = Option(args, "--active", 100_000);
        var clients = Option(args, "--clients", 8);
        var seconds = Option(args, "--seconds", 15);
        var fast = args.Contains("--fast");
        var root = Path.Combine(Path.GetTempPath(), $"pf-bench-{Environment.ProcessId}");
        var rows = new List<(string Metric, string Value, string Note)>();
        try
        {
            await using var cluster = await LocalPostgresCluster.StartAsync(new LocalPostgresOptions { RootDirectory = root, Database = "bench", Durable = !fast, MaxConnections = 200 });
            Console.WriteLine($"cluster: {cluster.BinDirectory}, port {cluster.Port}, durable={!fast}, cores={Environment.ProcessorCount}");

            await cluster.EnsureDatabaseAsync("pgbench");
            var tpcb = await PgBenchAsync(cluster, clients, seconds, simple: false);
            var simple = await PgBenchAsync(cluster, clients, seconds, simple: true);
            rows.Add(("pgbench TPC-B (tps)", F(tpcb), $"-c {clients} -j 2 -T {seconds}, scale 10"));
            rows.Add(("pgbench -N (tps)", F(simple), "simple-update"));

            await using (var host = await StartRuntimeAsync(cluster.ConnectionString, background: false))
            {
                var commands = host.Services.GetRequiredService<IProcessCommands>();
                var deployments = host.Services.GetRequiredService<IDeploymentService>();
                await deployments.DeployAsync(new DeploymentRequest("bench", [new("task.bpmn", SingleTask), new("timer.bpmn", TimerAt)]));

                // Warm-up (JIT, pools, compiled definition cache).
                var warm = await StartManyAsync(commands, 200, clients);
                await CompleteManyAsync(commands, warm.Select(w => w.OpenTaskIds[0]).ToList(), clients);

                const int measured = 3000;
                var watch = Stopwatch.StartNew();
                var started = await StartManyAsync(commands, measured, clients);
                var startRate = measured / watch.Elapsed.TotalSeconds;
                rows.Add(("instances started/s (start → first user task)", F(startRate), $"{measured} starts, {clients} clients"));

                watch.Restart();
                await CompleteManyAsync(commands, started.Select(s => s.OpenTaskIds[0]).ToList(), clients);
                var completeRate = measured / watch.Elapsed.TotalSeconds;
                rows.Add(("task completions/s", F(completeRate), $"{measured} completions, {clients} clients; {completeRate / tpcb:P0} of TPC-B (target ≥ 30%)"));

                // Latency with many active instances.
                Console.WriteLine($"starting {active} active instances ...");
                var population = await StartManyAsync(commands, active, clients);
                var latencies = new List<double>();
                foreach (var instance in population.Take(2000))
                {
                    var single = Stopwatch.StartNew();
                    await commands.CompleteTaskAsync(instance.OpenTaskIds[0], Officer);
                    latencies.Add(single.Elapsed.TotalMilliseconds);
                }

                latencies.Sort();
                rows.Add(($"complete-task p50 (ms) at {active:N0} active", F(latencies[latencies.Count / 2]), "sequential, 2000 samples"));
                rows.Add(($"complete-task p99 (ms) at {active:N0} active", F(latencies[(int)(latencies.Count * 0.99)]), "target < 50 ms"));
            }

            // 10,000 timers due at the same instant, fired by a Hangfire server in this process.
            const int timers = 10_000;
            var dueAt = DateTimeOffset.UtcNow.AddSeconds(60);
            await using (var host = await StartRuntimeAsync(cluster.ConnectionString, background: false))
            {
                var commands = host.Services.GetRequiredService<IProcessCommands>();
                var variables = new Dictionary<string, JsonNode?> { ["dueAt"] = dueAt.ToString("O", CultureInfo.InvariantCulture) };
                var timerStarts = Enumerable.Range(0, timers).Select(_ => (Func<Task>)(() => commands.StartAsync(new StartInstanceRequest("bench_timer", Variables: variables))));
                await RunConcurrentAsync(timerStarts, clients);
            }

            Console.WriteLine($"{timers} timers scheduled for {dueAt:O}");
            await using (var host = await StartRuntimeAsync(cluster.ConnectionString, background: true))
            {
                await using var data = NpgsqlDataSource.Create(cluster.ConnectionString);
                while (DateTimeOffset.UtcNow < dueAt)
                {
                    await Task.Delay(200);
                }

                var watch = Stopwatch.StartNew();
                long pending;
                do
                {
                    await Task.Delay(250);
                    await using var count = data.CreateCommand("SELECT count(*) FROM pf.instances WHERE definition_key = 'bench_timer' AND status <> 'Completed'");
                    pending = (long)(await count.ExecuteScalarAsync())!;
                }
                while (pending > 0 && watch.Elapsed < TimeSpan.FromMinutes(5));

                rows.Add(("10,000 simultaneous timers: all fired (s)", pending == 0 ? F(watch.Elapsed.TotalSeconds) : $"> 300 ({pending} left)", "from due time to the last instance completed; target ≤ 60 s"));
            }
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }

        Console.WriteLine();
        Console.WriteLine("| metric | value | note |");
        Console.WriteLine("|---|---|---|");
        foreach (var (metric, value, note) in rows)
        {
            Console.WriteLine($"| {metric} | {value} | {note} |");
        }

        return 0;
    }

    private static readonly UserContext Officer = UserContext.Of("bench", "officers");

    private const string SingleTask = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="t">
          <bpmn:process id="bench_task" isExecutable="true">
            <bpmn:startEvent id="Start" />
            <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Task" />
            <bpmn:userTask id="Task" name="Review" camunda:candidateGroups="officers" />
            <bpmn:sequenceFlow id="f2" sourceRef="Task" targetRef="End" />
            <bpmn:endEvent id="End" />
          </bpmn:process>
        </bpmn:definitions>
        """;

    private const string TimerAt = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
          <bpmn:process id="bench_timer" isExecutable="true">
            <bpmn:startEvent id="Start" />
            <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Wait" />
            <bpmn:intermediateCatchEvent id="Wait">
              <bpmn:timerEventDefinition><bpmn:timeDate>${dueAt}</bpmn:timeDate></bpmn:timerEventDefinition>
            </bpmn:intermediateCatchEvent>
            <bpmn:sequenceFlow id="f2" sourceRef="Wait" targetRef="End" />
            <bpmn:endEvent id="End" />
          </bpmn:process>
        </bpmn:definitions>
        """;

    private sealed class RunningHost(IHost host) : IAsyncDisposable
    {
        public IServiceProvider Services => host.Services;

        public async ValueTask DisposeAsync()
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    private static async Task<RunningHost> StartRuntimeAsync(string connectionString, bool background)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddProcurementFlowsRuntime(o =>
        {
            o.ConnectionString = connectionString;
            o.RunBackgroundServer = background;
            o.WorkerCount = Environment.ProcessorCount * 8;
            o.MaxPoolSize = 100;
        });
        var host = builder.Build();
        await host.StartAsync();
        return new RunningHost(host);
    }

    private static async Task<List<InstanceOutcome>> StartManyAsync(IProcessCommands commands, int count, int clients)
    {
        var results = new InstanceOutcome[count];
        await RunConcurrentAsync(Enumerable.Range(0, count).Select(i => (Func<Task>)(async () => results[i] = await commands.StartAsync(new StartInstanceRequest("bench_task", BusinessKey: $"B-{i}")))), clients);
        return [.. results];
    }

    private static Task CompleteManyAsync(IProcessCommands commands, List<string> taskIds, int clients) =>
        RunConcurrentAsync(taskIds.Select(id => (Func<Task>)(() => commands.CompleteTaskAsync(id, Officer))), clients);

    private static async Task RunConcurrentAsync(IEnumerable<Func<Task>> work, int clients)
    {
        using var queue = new System.Collections.Concurrent.BlockingCollection<Func<Task>>();
        foreach (var item in work)
        {
            queue.Add(item);
        }

        queue.CompleteAdding();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            foreach (var item in queue.GetConsumingEnumerable())
            {
                await item();
            }
        })));
    }

    private static async Task<double> PgBenchAsync(LocalPostgresCluster cluster, int clients, int seconds, bool simple)
    {
        var pgbench = Path.Combine(cluster.BinDirectory, "pgbench");
        if (!File.Exists(pgbench))
        {
            throw new InvalidOperationException("pgbench is missing: install the Debian package postgresql-contrib.");
        }

        var connection = new NpgsqlConnectionStringBuilder(cluster.BuildConnectionString("pgbench"));
        string[] common = ["-h", "127.0.0.1", "-p", connection.Port.ToString(CultureInfo.InvariantCulture), "-U", connection.Username!];
        if (!simple)
        {
            await RunAsync(pgbench, [.. common, "-i", "-q", "-s", "10", "pgbench"], connection.Password!);
        }

        var output = await RunAsync(pgbench, [.. common, "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", "2", "-T", seconds.ToString(CultureInfo.InvariantCulture), .. (simple ? new[] { "-N" } : []), "pgbench"], connection.Password!);
        var line = output.Split('\n').First(l => l.StartsWith("tps = ", StringComparison.Ordinal));
        return double.Parse(line.Split(' ')[2], CultureInfo.InvariantCulture);
    }

    private static async Task<string> RunAsync(string file, string[] arguments, string password)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["PGPASSWORD"] = password;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} failed: {await stderr}");
        }

        return await stdout;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string F(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);
}
