using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using ProcurementFlows.Server.Identity;

namespace ProcurementFlows.Server.Hosting;

/// <summary>Prints where the service listens and, in Development only, the sample sign-ins.</summary>
internal sealed class StartupBanner(
    IHostApplicationLifetime lifetime,
    IServer server,
    IHostEnvironment environment,
    IOptions<ServerOptions> serverOptions,
    IOptions<IdentityOptions> identity) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (serverOptions.Value.PrintStartupBanner)
        {
            lifetime.ApplicationStarted.Register(Print);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Print()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var lines = new List<string> { "", "ProcurementFlows is running." };
        lines.AddRange(addresses.Select(a => $"  Workbench and API: {a}   (API reference: {a.TrimEnd('/')}/scalar)"));
        if (environment.IsDevelopment() && identity.Value.Mode == IdentityMode.Local)
        {
            lines.Add("  Sample sign-ins (Development only):");
            lines.AddRange(identity.Value.Local.Accounts
                .Where(a => a.Password is not null)
                .Select(a => $"    {a.UserName,-12} / {a.Password,-14} roles: {string.Join(",", a.Roles),-18} groups: {string.Join(",", a.Groups)}"));
        }

        lines.Add("");
        Console.Out.WriteLine(string.Join(Environment.NewLine, lines));
        Console.Out.Flush();
    }
}
