using System.ComponentModel.DataAnnotations;

namespace ProcurementFlows.Server.Hosting;

/// <summary>Host-level settings. Bound from the <c>Server</c> configuration section.</summary>
public sealed class ServerOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Server";

    /// <summary>The largest request body accepted, in bytes (default 10 MiB). Larger bodies get 413.</summary>
    [Range(64 * 1024, 512L * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Print the URL and the sample sign-ins at start-up (default true; sample users exist only in Development).</summary>
    public bool PrintStartupBanner { get; set; } = true;
}
