using Microsoft.Playwright;

namespace ProcurementFlows.Browser.Tests.Infrastructure;

/// <summary>Signing in the way a person does: the workbench sends an anonymous visitor to the server's sign-in page.</summary>
public static class SignIn
{
    /// <summary>Opens <paramref name="path"/>, signs in as <paramref name="userName"/> when asked, and waits to be back on the page.</summary>
    public static async Task AsAsync(BrowserSession session, string userName, string path, bool screenshot = false)
    {
        var page = session.Page;
        await page.GotoAsync(path);
        // The workbench redirects on the client (history.pushState) once its session check answers; the first
        // page of a test run also waits for a cold server, so wait for the form itself, generously, then check where we are.
        await page.Locator("#userName").WaitForAsync(new() { Timeout = 60_000 });
        Assert.Equal("/signin", new Uri(page.Url).AbsolutePath);
        if (screenshot)
        {
            await session.ScreenshotAsync("signin");
        }

        await page.Locator("#userName").FillAsync(userName);
        await page.Locator("#password").FillAsync(WorkbenchServer.Passwords[userName]);
        await page.Locator("button[type='submit']").ClickAsync();
        var expected = path.Split('?')[0];
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == expected);
        await page.Locator(".topbar").GetByRole(AriaRole.Button, new() { Name = "Sign out" }).WaitForAsync();
    }
}
