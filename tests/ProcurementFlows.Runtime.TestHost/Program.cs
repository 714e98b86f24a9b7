using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ProcurementFlows.Runtime;
using ProcurementFlows.Runtime.ServiceTasks;
using ProcurementFlows.Runtime.TestHost;

// usage: ProcurementFlows.Runtime.TestHost <connection string> [worker count]
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSingleton<IServiceTaskHandler>(new RecordingHandler(args[0]));
builder.Services.AddProcurementFlowsRuntime(o =>
{
    o.ConnectionString = args[0];
    o.WorkerCount = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 8;
    o.SweepInterval = TimeSpan.FromSeconds(1);
    o.SweepGrace = TimeSpan.FromSeconds(3);
    o.ServiceJobLease = TimeSpan.FromSeconds(5);
    o.JobInvisibilityTimeout = TimeSpan.FromSeconds(5);
    o.JobLockTimeout = TimeSpan.FromSeconds(10);
});
using var host = builder.Build();
await host.StartAsync();
Console.WriteLine("READY");
await host.WaitForShutdownAsync();
