using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace ProcurementFlows.Browser.Tests.Infrastructure;

/// <summary>A page in its own context; collects console errors and uncaught exceptions for <see cref="AssertNoConsoleErrors"/>.</summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> errors = new();
    private readonly Viewport viewport;

    internal BrowserSession(IBrowserContext context, IPage page, Viewport viewport)
    {
        Context = context;
        Page = page;
        this.viewport = viewport;
        page.Console += (_, message) =>
        {
            // The one expected failure: the anonymous "who am I" probe before sign-in answers 401.
            if (message.Type == "error" && !(message.Location.Contains("/api/auth/me", StringComparison.Ordinal) && message.Text.Contains("401", StringComparison.Ordinal)))
            {
                errors.Enqueue($"console: {message.Text} ({message.Location})");
            }
        };
        page.PageError += (_, error) => errors.Enqueue($"uncaught: {error}");
    }

    /// <summary>The browser context (cookies live here).</summary>
    public IBrowserContext Context { get; }

    /// <summary>The page.</summary>
    public IPage Page { get; }

    /// <summary>Console errors and uncaught exceptions so far.</summary>
    public IReadOnlyCollection<string> Errors => errors;

    /// <summary>Writes a full-page screenshot to TestResults/screenshots/NAME-VIEWPORT.png.</summary>
    public async Task ScreenshotAsync(string name)
    {
        var file = Path.Combine(Repository.ScreenshotDirectory, $"{name}-{viewport.ToString().ToLowerInvariant()}.png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
    }

    /// <summary>Fails with every console error and uncaught exception seen on the page.</summary>
    /// <param name="allow">Text of an error the test provoked on purpose (e.g. the browser's log line of a refused request).</param>
    public void AssertNoConsoleErrors(string? allow = null)
    {
        var unexpected = errors.Where(e => allow is null || !e.Contains(allow, StringComparison.Ordinal)).ToList();
        Assert.True(unexpected.Count == 0, "Console errors:" + Environment.NewLine + string.Join(Environment.NewLine, unexpected));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await Context.DisposeAsync();
}
