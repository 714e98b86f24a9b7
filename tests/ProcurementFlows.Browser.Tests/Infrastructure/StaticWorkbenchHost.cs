using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ProcurementFlows.Browser.Tests.Infrastructure;

/// <summary>
/// Serves the built workbench (wwwroot/ in the test output, copied there by ProcurementFlows.Web.targets
/// through the server project reference) on a loopback port, with no API behind it: for the pages that
/// run entirely in the browser, such as the diagram check.
/// </summary>
public sealed class StaticWorkbenchHost : IAsyncLifetime
{
    private WebApplication? app;

    /// <summary>The built workbench files.</summary>
    public static string WebRoot => Path.Combine(AppContext.BaseDirectory, "wwwroot");

    /// <summary>Where the host listens.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Path.Combine(WebRoot, "viewer.html")), $"The workbench is not built into {WebRoot}.");
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = WebRoot,
            EnvironmentName = "Production",
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        app = builder.Build();
        app.UseStaticFiles();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }
}
