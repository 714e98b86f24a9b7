using ProcurementFlows.Server.Identity;

namespace ProcurementFlows.Server.Hosting;

/// <summary>
/// Small command-line tools of the server binary: <c>hash-password</c> (reads a password from standard input and prints
/// the hash for <c>Identity:Local:Accounts:N:PasswordHash</c>) and <c>probe URL</c> (exit 0 when the URL answers 2xx;
/// the container health check, since the runtime image has no curl).
/// </summary>
public static class ServerCommands
{
    /// <summary>Runs a tool command and returns its exit code, or null when the arguments are not a tool command.</summary>
    public static int? TryRun(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args is ["hash-password", ..])
        {
            var password = Console.In.ReadLine();
            if (string.IsNullOrEmpty(password))
            {
                Console.Error.WriteLine("Type the password on standard input.");
                return 2;
            }

            Console.Out.WriteLine(LocalAccountStore.HashPassword(password));
            return 0;
        }

        if (args is ["probe", var url, ..])
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            try
            {
                using var response = client.GetAsync(new Uri(url)).GetAwaiter().GetResult();
                return response.IsSuccessStatusCode ? 0 : 1;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or UriFormatException)
            {
                Console.Error.WriteLine(ex.Message);
                return 1;
            }
        }

        return null;
    }
}
