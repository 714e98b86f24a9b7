namespace ProcurementFlows.RegistrySandbox;

/// <summary>How the sandbox listens and which API keys it demands.</summary>
public sealed class SandboxOptions
{
    /// <summary>The loopback port; 0 (the default) picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>The <c>api_key</c> SAM.gov endpoints require, like the real API. Default <c>sandbox-sam-key</c>.</summary>
    public string SamGovApiKey { get; set; } = "sandbox-sam-key";

    /// <summary>
    /// The key the OpenSanctions endpoints require as <c>Authorization: ApiKey &lt;key&gt;</c>, like the hosted API;
    /// <see langword="null"/> behaves like a self-hosted yente (no auth). Default <c>sandbox-opensanctions-key</c>.
    /// </summary>
    public string? OpenSanctionsApiKey { get; set; } = "sandbox-opensanctions-key";

    /// <summary>Reads <c>Port</c>, <c>SamGovApiKey</c> and <c>OpenSanctionsApiKey</c> from a configuration section.</summary>
    public static SandboxOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new SandboxOptions();
        configuration.Bind(options);
        if (options.Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(configuration), options.Port, "The sandbox port must be between 0 and 65535.");
        }

        return options;
    }
}
