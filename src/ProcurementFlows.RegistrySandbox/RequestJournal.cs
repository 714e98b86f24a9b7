using System.Collections.Concurrent;

namespace ProcurementFlows.RegistrySandbox;

/// <summary>One request the sandbox received (query string without any API key).</summary>
/// <param name="Registry">The registry prefix.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path below the sandbox root.</param>
/// <param name="Query">The query string with <c>api_key</c> removed.</param>
/// <param name="ReceivedAt">When it arrived.</param>
/// <param name="Fault">The fault applied, if any.</param>
public sealed record SandboxRequest(string Registry, string Method, string Path, string Query, DateTimeOffset ReceivedAt, SandboxFaultKind? Fault);

/// <summary>Every request received, in arrival order; lets tests see retries, throttling and fail-fast.</summary>
public sealed class RequestJournal
{
    private readonly ConcurrentQueue<SandboxRequest> _requests = new();

    /// <summary>All requests so far.</summary>
    public IReadOnlyList<SandboxRequest> All => [.. _requests];

    /// <summary>The requests to one registry.</summary>
    public IReadOnlyList<SandboxRequest> For(string registry) => [.. _requests.Where(r => r.Registry == registry)];

    /// <summary>Forgets every request.</summary>
    public void Clear() => _requests.Clear();

    internal void Record(SandboxRequest request) => _requests.Enqueue(request);
}
