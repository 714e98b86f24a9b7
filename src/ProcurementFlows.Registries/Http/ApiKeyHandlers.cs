using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace ProcurementFlows.Registries.Http;

/// <summary>
/// Adds SAM.gov's <c>api_key</c> query parameter. It sits outside the resilience handler, so it runs once per
/// look-up; the key is only ever in the outgoing URI (whose query the HTTP logging redacts), never in our
/// messages or findings.
/// </summary>
internal sealed class SamGovApiKeyHandler(IOptionsMonitor<RegistriesOptions> options) : DelegatingHandler
{
    internal const string ParameterName = "api_key";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var key = options.CurrentValue.SamGov.ApiKey;
        if (!string.IsNullOrEmpty(key) && request.RequestUri is { } uri && !HasKey(uri))
        {
            var separator = string.IsNullOrEmpty(uri.Query) ? "?" : "&";
            request.RequestUri = new Uri(uri.AbsoluteUri + separator + ParameterName + "=" + Uri.EscapeDataString(key));
        }

        return base.SendAsync(request, cancellationToken);
    }

    private static bool HasKey(Uri uri) =>
        uri.Query.Contains("?" + ParameterName + "=", StringComparison.Ordinal) || uri.Query.Contains("&" + ParameterName + "=", StringComparison.Ordinal);
}

/// <summary>Adds <c>Authorization: ApiKey &lt;key&gt;</c> for the hosted OpenSanctions API; self-hosted yente needs none.</summary>
internal sealed class OpenSanctionsApiKeyHandler(IOptionsMonitor<RegistriesOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var key = options.CurrentValue.OpenSanctions.ApiKey;
        if (!string.IsNullOrEmpty(key))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("ApiKey", key);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
