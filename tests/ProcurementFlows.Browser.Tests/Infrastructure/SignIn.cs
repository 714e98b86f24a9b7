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
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/signin");
        await page.Locator("#userName").WaitForAsync();
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
