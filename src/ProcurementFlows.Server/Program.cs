using ProcurementFlows.RegistrySandbox;
using ProcurementFlows.Server;
using ProcurementFlows.Server.Api;
using ProcurementFlows.Server.Hosting;
using ProcurementFlows.Server.Identity;

if (ServerCommands.TryRun(args) is { } exitCode)
{
    return exitCode; // hash-password, probe
}

var builder = WebApplication.CreateBuilder(args);
await builder.AddRegistrySandboxWhenEnabledAsync(); // offline registries (Development, Registries:UseSandbox)
builder.AddProcurementFlowsServer();

var app = builder.Build();
app.UseProcurementFlowsServer();
app.MapProcurementFlowsOperations();
app.MapProcurementFlowsIdentity();
app.MapProcurementFlowsApi();
await app.RunAsync();
return 0;
