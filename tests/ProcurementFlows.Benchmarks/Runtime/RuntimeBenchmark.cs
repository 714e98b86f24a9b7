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
/// (default 8), <c>--seconds N</c> for pgbench (default 15), <c>--measured N</c> starts and completions
/// (default 3000), <c>--timers N</c> (default 10000), <c>--only pgbench,cpu,throughput,latency,timers</c>
/// (default all), <c>--fast</c> (fsync off), <c>--hangfire-sync</c> (Hangfire commits wait for the WAL flush),
/// <c>--scheduler-parallelism N</c>, <c>--workers N</c> (Hangfire workers, default the runtime's),
/// <c>--timer-parallelism N</c> (the sweep's batch firing).
/// </summary>
public static class RuntimeBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var active = Option(args, "--active", 100_000);
        var clients = Option(args, "--clients", 8);
        var seconds = Option(args, "--seconds", 15);
        var measured = Option(args, "--measured", 3000);
        var timers = Option(args, "--timers", 10_000);
        var fast = args.Contains("--fast");
        HangfireSync = args.Contains("--hangfire-sync");
        Workers = Option(args, "--workers", new ProcurementFlowsRuntimeOptions().WorkerCount);
        TimerParallelism = Option(args, "--timer-parallelism", new ProcurementFlowsRuntimeOptions().TimerFiringParallelism);
        SchedulerParallelism = Option(args, "--scheduler-parallelism", new ProcurementFlowsRuntimeOptions().SchedulerParallelism);
        var only = OptionText(args, "--only")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        bool Part(string name) => only is null || only.Contains(name);
        var root = Path.Combine(Path.GetTempPath(), $"pf-bench-{Environment.ProcessId}");
        var rows = new List<(string Metric, string Value, string Note)>();
        Console.WriteLine($"load average before: {LoadAverage()}");
        try
        {
            await using var cluster = await LocalPostgresCluster.StartAsync(new LocalPostgresOptions { RootDirectory = root, Database = "bench", Durable = !fast, MaxConnections = 200 });
            Console.WriteLine($"cluster: {cluster.BinDirectory}, port {cluster.Port}, durable={!fast}, cores={Environment.ProcessorCount}");

            var tpcb = double.NaN;
            if (Part("pgbench"))
            {
                await cluster.EnsureDatabaseAsync("pgbench");
                tpcb = await PgBenchAsync(cluster, clients, seconds, simple: false);
                var simple = await PgBenchAsync(cluster, clients, seconds, simple: true);
                rows.Add(("pgbench TPC-B (tps)", F(tpcb), $"-c {clients} -j 2 -T {seconds}, scale 10"));
                rows.Add(("pgbench -N (tps)", F(simple), "simple-update"));
            }

            if (Part("cpu"))
            {
                rows.AddRange(CpuProfile(measured));
            }

            if (Part("throughput") || Part("latency"))
            {
                await using var host = await StartRuntimeAsync(cluster.ConnectionString, background: false);
                var commands = host.Services.GetRequiredService<IProcessCommands>();
                var deployments = host.Services.GetRequiredService<IDeploymentService>();
                await deployments.DeployAsync(new DeploymentRequest("bench", [new("task.bpmn", SingleTask), new("timer.bpmn", TimerAt)]));

                // Warm-up (JIT, pools, compiled definition cache).
                var warm = await StartManyAsync(commands, 200, clients);
                await CompleteManyAsync(commands, warm.Select(w => w.OpenTaskIds[0]).ToList(), clients);

                if (Part("throughput"))
                {
                    // Starts by key, alternating the runtime's start (latest version cached, checked in the write batch)
                    // with the previous behaviour (latest version read from the database before every start), twice each.
                    var processor = host.Services.GetRequiredService<Commands.CommandProcessor>();
                    var started = new List<InstanceOutcome>();
                    double cachedSeconds = 0, lookupSeconds = 0;
                    string cachedCpu = "", lookupCpu = "";
                    for (var round = 0; round < 2; round++)
                    {
                        var sample = CpuSample.Take();
                        var lookup = Stopwatch.StartNew();
                        started.AddRange(await StartManyAsync(commands, measured / 2, clients, processor));
                        lookupSeconds += lookup.Elapsed.TotalSeconds;
                        lookupCpu = sample.Since(measured / 2);

                        sample = CpuSample.Take();
                        var cached = Stopwatch.StartNew();
                        started.AddRange(await StartManyAsync(commands, measured / 2, clients));
                        cachedSeconds += cached.Elapsed.TotalSeconds;
                        cachedCpu = sample.Since(measured / 2);
                    }

                    var perPhase = measured / 2 * 2;
                    rows.Add(("instances started/s (start → first user task)", F(perPhase / cachedSeconds), $"{perPhase} starts by key, {clients} clients; {cachedCpu}"));
                    rows.Add(("instances started/s, latest version read before each start (previous behaviour, same run)", F(perPhase / lookupSeconds), $"{perPhase} starts, alternated with the row above; {lookupCpu}"));
                    started = [.. started.Take(measured)];
                    measured = started.Count;

                    var cpu = CpuSample.Take();
                    var watch = Stopwatch.StartNew();
                    await CompleteManyAsync(commands, started.Select(s => s.OpenTaskIds[0]).ToList(), clients);
                    var completeRate = measured / watch.Elapsed.TotalSeconds;
                    var share = double.IsNaN(tpcb) ? "" : $"; {completeRate / tpcb:P0} of TPC-B (target ≥ 30%)";
                    rows.Add(("task completions/s", F(completeRate), $"{measured} completions, {clients} clients{share}; {cpu.Since(measured)}"));
                }

                if (Part("latency"))
                {
                    rows.AddRange(await LatencyAsync(host, commands, active, clients));
                }
            }

            if (Part("timers"))
            {
                rows.Add(await TimersAsync(cluster, timers, clients));
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
        Console.WriteLine($"load average after: {LoadAverage()}");
        Console.WriteLine("| metric | value | note |");
        Console.WriteLine("|---|---|---|");
        foreach (var (metric, value, note) in rows)
        {
            Console.WriteLine($"| {metric} | {value} | {note} |");
        }

        return 0;
    }

    private static bool HangfireSync { get; set; }

    private static int SchedulerParallelism { get; set; }

    private static int Workers { get; set; }

    private static int TimerParallelism { get; set; }

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
            o.WorkerCount = Workers;
            o.MaxPoolSize = 100;
            o.HangfireAsynchronousCommit = !HangfireSync;
            o.SchedulerParallelism = SchedulerParallelism;
            o.TimerFiringParallelism = TimerParallelism;
        });
        var host = builder.Build();
        await host.StartAsync();
        return new RunningHost(host);
    }

    /// <summary>
    /// Starts <paramref name="count"/> instances by key through the runtime's start; with <paramref name="lookupEachTime"/>,
    /// the way starts worked before the latest-version cache: the latest version read in the start's transaction first.
    /// </summary>
    private static async Task<List<InstanceOutcome>> StartManyAsync(IProcessCommands commands, int count, int clients, Commands.CommandProcessor? lookupEachTime = null)
    {
        var results = new InstanceOutcome[count];
        await RunConcurrentAsync(Enumerable.Range(0, count).Select(i => (Func<Task>)(async () => results[i] = lookupEachTime is null
            ? await commands.StartAsync(new StartInstanceRequest("bench_task", BusinessKey: $"B-{i}"))
            : await lookupEachTime.RunAsync(
                async unit => await lookupEachTime.StartAsync(
                    unit,
                    "bench_task",
                    await Deployment.DefinitionCache.ResolveVersionAsync(unit.Connection, "bench_task", null, CancellationToken.None),
                    new Engine.StartProcess(Guid.NewGuid().ToString(), $"B-{i}", null, null),
                    CancellationToken.None),
                retryOnConflict: true,
                CancellationToken.None))), clients);
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

    /// <summary>
    /// Complete-task latency with <paramref name="active"/> active instances: the population is seeded by the
    /// real start command, many starts per transaction (the rows are exactly what the runtime writes), then
    /// 2,000 tasks spread over the population are completed one after another; the inbox is queried too.
    /// </summary>
    private static async Task<List<(string, string, string)>> LatencyAsync(RunningHost host, IProcessCommands commands, int active, int clients)
    {
        var rows = new List<(string, string, string)>();
        var existing = await ActiveCountAsync(host);
        var watch = Stopwatch.StartNew();
        Console.WriteLine($"seeding {Math.Max(0, active - existing)} active instances ...");
        var population = await BulkStartAsync(host, "bench_task", Math.Max(0, active - existing), clients, _ => null);
        Console.WriteLine($"seeded in {watch.Elapsed.TotalSeconds:0.0} s");
        rows.Add(("seeding active instances (starts/s, 200 per transaction)", F(population.Count / watch.Elapsed.TotalSeconds), $"{population.Count} starts"));
        await using (var analyze = host.Services.GetRequiredService<Storage.RuntimeDatabase>().DataSource.CreateCommand("ANALYZE"))
        {
            await analyze.ExecuteNonQueryAsync();
        }

        active = await ActiveCountAsync(host);
        var picks = population.OrderBy(_ => Random.Shared.Next()).Take(2000).ToList();
        var latencies = new List<double>();
        foreach (var taskId in picks)
        {
            var single = Stopwatch.StartNew();
            await commands.CompleteTaskAsync(taskId, Officer);
            latencies.Add(single.Elapsed.TotalMilliseconds);
        }

        latencies.Sort();
        rows.Add(($"complete-task p50 (ms) at {active:N0} active", F(Percentile(latencies, 0.50)), $"sequential, {latencies.Count} random tasks of the population"));
        rows.Add(($"complete-task p99 (ms) at {active:N0} active", F(Percentile(latencies, 0.99)), "target < 50 ms"));

        // The inbox: the first 50 pages of 50, 200 queries, with the default bounded total and, alternating in the same run,
        // with an exact total (what every page paid before: count(*) over all matching open tasks).
        var queries = host.Services.GetRequiredService<IProcessQueries>();
        var bounded = new List<double>();
        var exact = new List<double>();
        long boundedTotal = 0, exactTotal = 0;
        for (var i = 0; i < 400; i++)
        {
            var single = Stopwatch.StartNew();
            var page = await queries.GetInboxAsync(new InboxQuery
            {
                User = Officer,
                Scope = InboxScope.MyGroups,
                Offset = i / 2 % 50 * 50,
                Limit = 50,
                CountBeyondPage = i % 2 == 0 ? InboxQuery.DefaultCountBeyondPage : 100_000,
            });
            (i % 2 == 0 ? bounded : exact).Add(single.Elapsed.TotalMilliseconds);
            if (i % 2 == 0)
            {
                boundedTotal = page.Total;
            }
            else
            {
                exactTotal = page.Total;
            }
        }

        bounded.Sort();
        exact.Sort();
        rows.Add(($"group inbox page (50 of {active:N0} open tasks) p50 / p99 (ms)", $"{F(Percentile(bounded, 0.50))} / {F(Percentile(bounded, 0.99))}", $"200 pages at offsets 0–2,450; total counted to 1,000 past the page (last total {boundedTotal:N0}, a lower bound)"));
        rows.Add(("group inbox page with an exact total (previous behaviour, same run) p50 / p99 (ms)", $"{F(Percentile(exact, 0.50))} / {F(Percentile(exact, 0.99))}", $"200 pages alternated with the row above; total {exactTotal:N0}"));

        var deep = new List<double>();
        for (var i = 0; i < 20; i++)
        {
            var single = Stopwatch.StartNew();
            await queries.GetInboxAsync(new InboxQuery { User = Officer, Scope = InboxScope.MyGroups, Offset = 50_000 + (i * 50), Limit = 50 });
            deep.Add(single.Elapsed.TotalMilliseconds);
        }

        deep.Sort();
        rows.Add(("group inbox page at offset 50,000 p50 (ms)", F(Percentile(deep, 0.50)), "offset paging reads the skipped rows"));

        // The same depth by seek paging: each page starts after the previous page's last task.
        var cursor = (await queries.GetInboxAsync(new InboxQuery { User = Officer, Scope = InboxScope.MyGroups, Offset = 50_000, Limit = 1 })).Items[0].Id;
        var seek = new List<double>();
        for (var i = 0; i < 20; i++)
        {
            var single = Stopwatch.StartNew();
            var page = await queries.GetInboxAsync(new InboxQuery { User = Officer, Scope = InboxScope.MyGroups, AfterTaskId = cursor, Limit = 50 });
            seek.Add(single.Elapsed.TotalMilliseconds);
            cursor = page.Items[^1].Id;
        }

        seek.Sort();
        rows.Add(("group inbox page 50,000 tasks deep by seek paging (after=<last task id>) p50 (ms)", F(Percentile(seek, 0.50)), "same depth as the row above, 20 consecutive pages"));
        return rows;
    }

    private static async Task<int> ActiveCountAsync(RunningHost host)
    {
        await using var count = host.Services.GetRequiredService<Storage.RuntimeDatabase>().DataSource.CreateCommand("SELECT count(*) FROM pf.instances WHERE status = 'Active'");
        return (int)(long)(await count.ExecuteScalarAsync())!;
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * p))];

    /// <summary>Starts <paramref name="count"/> instances through the runtime's own start command, 200 per transaction; returns the first open task of each.</summary>
    private static async Task<List<string>> BulkStartAsync(RunningHost host, string key, int count, int clients, Func<int, IReadOnlyDictionary<string, JsonNode?>?> variables)
    {
        const int perTransaction = 200;
        var processor = host.Services.GetRequiredService<Commands.CommandProcessor>();
        var tasks = new System.Collections.Concurrent.ConcurrentBag<string>();
        var chunks = Enumerable.Range(0, (count + perTransaction - 1) / perTransaction).Select(c => (Func<Task>)(async () =>
        {
            var first = c * perTransaction;
            var n = Math.Min(perTransaction, count - first);
            var outcomes = await processor.RunAsync(
                async unit =>
                {
                    var list = new List<InstanceOutcome>(n);
                    for (var i = first; i < first + n; i++)
                    {
                        unit.Depth = 0; // independent starts, not a cascade
                        list.Add(await processor.StartAsync(unit, key, null, new Engine.StartProcess(Guid.NewGuid().ToString(), $"B-{i}", "bench", variables(i)), CancellationToken.None));
                    }

                    return list;
                },
                retryOnConflict: false,
                CancellationToken.None);
            foreach (var outcome in outcomes)
            {
                if (outcome.OpenTaskIds.Count > 0)
                {
                    tasks.Add(outcome.OpenTaskIds[0]);
                }
            }
        }));
        await RunConcurrentAsync(chunks, Math.Min(clients, 4));
        return [.. tasks];
    }

    /// <summary>10,000 timers due at the same instant, fired by a Hangfire server in this process.</summary>
    private static async Task<(string, string, string)> TimersAsync(LocalPostgresCluster cluster, int timers, int clients)
    {
        var dueAt = DateTimeOffset.UtcNow.AddSeconds(15 + (timers / 200));
        await using (var host = await StartRuntimeAsync(cluster.ConnectionString, background: false))
        {
            await host.Services.GetRequiredService<IDeploymentService>().DeployAsync(new DeploymentRequest("bench", [new("task.bpmn", SingleTask), new("timer.bpmn", TimerAt)]));
            var variables = new Dictionary<string, JsonNode?> { ["dueAt"] = dueAt.ToString("O", CultureInfo.InvariantCulture) };
            var watch = Stopwatch.StartNew();
            await BulkStartAsync(host, "bench_timer", timers, clients, _ => variables);
            Console.WriteLine($"{timers} timers scheduled in {watch.Elapsed.TotalSeconds:0.0} s for {dueAt:O}");
        }

        await using (var host = await StartRuntimeAsync(cluster.ConnectionString, background: true))
        {
            await using var data = NpgsqlDataSource.Create(cluster.ConnectionString);
            while (DateTimeOffset.UtcNow < dueAt)
            {
                await Task.Delay(200);
            }

            var cpu = CpuSample.Take();
            var watch = Stopwatch.StartNew();
            long pending;
            do
            {
                await Task.Delay(250);
                await using var count = data.CreateCommand("SELECT count(*) FROM pf.instances WHERE definition_key = 'bench_timer' AND status <> 'Completed'");
                pending = (long)(await count.ExecuteScalarAsync())!;
            }
            while (pending > 0 && watch.Elapsed < TimeSpan.FromMinutes(5));

            return ($"{timers:N0} simultaneous timers: all fired (s)", pending == 0 ? F(watch.Elapsed.TotalSeconds) : $"> 300 ({pending} left)", $"from due time to the last instance completed; target ≤ 60 s; {cpu.Since(timers)}");
        }
    }

    /// <summary>CPU cost of one command without the database: engine, state (de)serialisation, history canonical form and hash.</summary>
    private static List<(string, string, string)> CpuProfile(int count)
    {
        var process = Engine.BpmnCompiler.Compile(SingleTask, new Engine.BpmnParserOptions()).GetProcess("bench_task");
        var engine = new Engine.ProcessEngine(new Engine.EngineOptions(), TimeProvider.System);
        var rows = new List<(string, string, string)>();
        for (var round = 0; round < 2; round++)
        {
            double engineMs = 0, serializeMs = 0, deserializeMs = 0, historyMs = 0;
            var watch = new Stopwatch();
            for (var i = 0; i < count; i++)
            {
                watch.Restart();
                var started = engine.Execute(process, null, new Engine.StartProcess(Guid.NewGuid().ToString(), $"B-{i}", "bench", null));
                engineMs += watch.Elapsed.TotalMilliseconds;
                watch.Restart();
                var json = Engine.ProcessStateSerializer.Serialize(started.State);
                serializeMs += watch.Elapsed.TotalMilliseconds;
                watch.Restart();
                var state = Engine.ProcessStateSerializer.Deserialize(json);
                deserializeMs += watch.Elapsed.TotalMilliseconds;
                watch.Restart();
                var completed = engine.Execute(process, state, new Engine.CompleteUserTask(state.UserTasks[0].Id, "bench", ["officers"], null));
                engineMs += watch.Elapsed.TotalMilliseconds;
                watch.Restart();
                _ = Engine.ProcessStateSerializer.Serialize(completed.State);
                serializeMs += watch.Elapsed.TotalMilliseconds;
                watch.Restart();
                var hash = "";
                var sequence = 0L;
                foreach (var effect in started.Effects.Concat(completed.Effects).OfType<Engine.HistoryRecorded>())
                {
                    hash = History.HistoryChain.Hash(hash, History.HistoryChain.Canonicalize(state.InstanceId, ++sequence, effect.Entry));
                }

                historyMs += watch.Elapsed.TotalMilliseconds;
            }

            if (round == 1)
            {
                string Us(double ms) => F(ms * 1000 / count / 2);
                rows.Add(("CPU per command without database (µs)", Us(engineMs + serializeMs + deserializeMs + historyMs), $"engine {Us(engineMs)}, serialise {Us(serializeMs)}, deserialise {Us(deserializeMs)}, history {Us(historyMs)}; average of start and complete"));
            }
        }

        return rows;
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string? OptionText(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>CPU time of this process and of the whole machine, to split a phase's cost between .NET and PostgreSQL.</summary>
    private readonly record struct CpuSample(TimeSpan Process, long MachineBusy, long MachineTotal, long Ticks)
    {
        public static CpuSample Take()
        {
            var (busy, total) = MachineTicks();
            return new CpuSample(System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime, busy, total, Stopwatch.GetTimestamp());
        }

        public string Since(int operations)
        {
            var now = Take();
            var dotnet = (now.Process - Process).TotalMilliseconds * 1000 / operations;
            var busy = now.MachineBusy - MachineBusy;
            var total = now.MachineTotal - MachineTotal;
            var machine = total > 0 ? (double)busy / total : double.NaN;
            var wall = Stopwatch.GetElapsedTime(Ticks, now.Ticks).TotalMilliseconds * 1000 / operations;
            return $"this process {F(dotnet)} µs CPU/op, machine busy {machine:P0} ({F(wall)} µs wall/op)";
        }

        private static (long Busy, long Total) MachineTicks()
        {
            if (!File.Exists("/proc/stat"))
            {
                return (0, 0);
            }

            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
            var idle = fields[3] + fields[4];
            var total = fields.Sum();
            return (total - idle, total);
        }
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string F(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);
}
