using Microsoft.Playwright;

namespace ProcurementFlows.Browser.Tests.Infrastructure;

/// <summary>
/// One headless Chromium for a test class: Debian's /usr/bin/chromium driven by Playwright (no browser download).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>The Chromium the tests drive; override with PF_CHROMIUM.</summary>
    public static string ExecutablePath => Environment.GetEnvironmentVariable("PF_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private IPlaywright? playwright;

    /// <summary>The running browser.</summary>
    public IBrowser Browser { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        playwright = await Playwright.CreateAsync();
        Assertions.SetDefaultExpectTimeout(15_000);
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args =
            [
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        });
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
    }

    /// <summary>A fresh browser context and page at laptop (default) or tablet size that records console errors.</summary>
    public async Task<BrowserSession> OpenAsync(Uri baseAddress, Viewport viewport = Viewport.Laptop)
    {
        var size = viewport == Viewport.Laptop ? new ViewportSize { Width = 1440, Height = 900 } : new ViewportSize { Width = 768, Height = 1024 };
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseAddress.ToString(), ViewportSize = size, Locale = "en-GB" });
        // Generous waits: CI machines here are shared and often loaded (a passing step never waits this long).
        context.SetDefaultTimeout(30_000);
        context.SetDefaultNavigationTimeout(30_000);
        var page = await context.NewPageAsync();
        return new BrowserSession(context, page, viewport);
    }
}

/// <summary>Screen sizes the workbench must work at.</summary>
public enum Viewport
{
    /// <summary>1440×900.</summary>
    Laptop,

    /// <summary>768×1024 (a tablet in portrait).</summary>
    Tablet,
}
