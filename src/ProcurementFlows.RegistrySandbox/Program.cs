using ProcurementFlows.RegistrySandbox;

// Standalone: dotnet run --project src/ProcurementFlows.RegistrySandbox -- --Port 5090
var configuration = new ConfigurationBuilder().AddEnvironmentVariables("SANDBOX_").AddCommandLine(args).Build();
await using var sandbox = await SandboxHost.StartAsync(SandboxOptions.From(configuration));
Console.WriteLine($"Registry sandbox listening on {sandbox.BaseAddress} (admin: {sandbox.BaseAddress}_sandbox)");
await sandbox.WaitForShutdownAsync();
