using ProcurementFlows.RegistrySandbox;
using ProcurementFlows.Server;
using ProcurementFlows.Server.Api;
using ProcurementFlows.Server.Camunda;
using ProcurementFlows.Server.Hosting;
using ProcurementFlows.Server.Identity;

if (ServerCommands.TryRun(args) is { } exitCode)
{
    return exitCode; // hash-password, probe
}

var builder = WebApplication.CreateBuilder(args);
await builder.AddRegistrySandboxWhenEnabledAsync(); // offline registries (Development, Registries:UseSandbox)
builder.AddProcurementFlowsServer();
builder.AddProcurementFlowsCamunda(); // Camunda 7 REST compatibility under /engine-rest

var app = builder.Build();
app.UseProcurementFlowsServer();
app.MapProcurementFlowsOperations();
app.MapProcurementFlowsIdentity();
app.MapProcurementFlowsApi();
app.MapProcurementFlowsCamunda();
await app.RunAsync();
return 0;
