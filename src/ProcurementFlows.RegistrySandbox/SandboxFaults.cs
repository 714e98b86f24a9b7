using System.Globalization;

namespace ProcurementFlows.RegistrySandbox;

/// <summary>What a fault does to a matching request.</summary>
public enum SandboxFaultKind
{
    /// <summary>Answer <see cref="SandboxFault.StatusCode"/> (e.g. 503, 429) with an error body and an optional <c>Retry-After</c>.</summary>
    Status,

    /// <summary>Wait <see cref="SandboxFault.DelayMilliseconds"/>, then answer normally (a slow registry).</summary>
    Delay,

    /// <summary>Answer 200 with a truncated, malformed JSON body.</summary>
    MalformedJson,

    /// <summary>Abort the connection without an answer.</summary>
    Reset,
}

/// <summary>
/// A fault rule: applies to the next <see cref="Times"/> requests (all while present when <see langword="null"/>)
/// whose registry and path match. Rules are consulted in the order they were added.
/// </summary>
public sealed record SandboxFault
{
    /// <summary>A registry prefix (<c>brreg</c>, <c>opensanctions</c>, <c>gleif</c>, <c>sam</c>, <c>prozorro</c>) or <c>*</c>.</summary>
    public string Registry { get; init; } = "*";

    /// <summary>Only requests whose path contains this text; <see langword="null"/> matches all.</summary>
    public string? PathContains { get; init; }

    /// <summary>What to do.</summary>
    public SandboxFaultKind Kind { get; init; } = SandboxFaultKind.Status;

    /// <summary>The status for <see cref="SandboxFaultKind.Status"/>. Default 503.</summary>
    public int StatusCode { get; init; } = 503;

    /// <summary>A <c>Retry-After</c> to send with the status, in seconds.</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>Send <c>Retry-After</c> as an HTTP date (now + seconds) instead of delta-seconds.</summary>
    public bool RetryAfterAsDate { get; init; }

    /// <summary>The delay for <see cref="SandboxFaultKind.Delay"/>.</summary>
    public int DelayMilliseconds { get; init; }

    /// <summary>How many matching requests the fault hits; <see langword="null"/> until cleared.</summary>
    public int? Times { get; init; }

    /// <summary>
    /// Parses the per-request header <c>X-Sandbox-Fault</c>, e.g. <c>status=503; retry-after=1</c>,
    /// <c>status=429; retry-after=2; retry-after-date=true</c>, <c>delay=1500</c>, <c>malformed</c>, <c>reset</c>.
    /// </summary>
    public static SandboxFault Parse(string header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var fault = new SandboxFault();
        foreach (var part in header.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
            var value = pair.Length == 2 ? pair[1] : null;
            fault = pair[0].ToLowerInvariant() switch
            {
                "status" => fault with { Kind = SandboxFaultKind.Status, StatusCode = Int(value, part) },
                "retry-after" => fault with { RetryAfterSeconds = Int(value, part) },
                "retry-after-date" => fault with { RetryAfterAsDate = value is null || bool.Parse(value) },
                "delay" => fault with { Kind = SandboxFaultKind.Delay, DelayMilliseconds = Int(value, part) },
                "malformed" => fault with { Kind = SandboxFaultKind.MalformedJson },
                "reset" => fault with { Kind = SandboxFaultKind.Reset },
                _ => throw new FormatException($"Unknown X-Sandbox-Fault directive '{part}'."),
            };
        }

        return fault;
    }

    internal bool Matches(string registry, string path) =>
        (Registry == "*" || string.Equals(Registry, registry, StringComparison.OrdinalIgnoreCase))
        && (PathContains is null || path.Contains(PathContains, StringComparison.OrdinalIgnoreCase));

    private static int Int(string? value, string part) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= 0
            ? number
            : throw new FormatException($"X-Sandbox-Fault directive '{part}' needs a non-negative number.");
}

/// <summary>The active fault rules, shared by the admin endpoint and in-process callers. Thread-safe.</summary>
public sealed class SandboxFaults
{
    private readonly Lock _gate = new();
    private readonly List<(SandboxFault Fault, int? Remaining)> _rules = [];

    /// <summary>Adds a rule after the existing ones.</summary>
    public void Add(SandboxFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        if (fault.Times is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(fault), fault.Times, "Times must be positive (or null for 'until cleared').");
        }

        lock (_gate)
        {
            _rules.Add((fault, fault.Times));
        }
    }

    /// <summary>Removes every rule.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _rules.Clear();
        }
    }

    /// <summary>The rules in force with their remaining counts.</summary>
    public IReadOnlyList<SandboxFault> Active
    {
        get
        {
            lock (_gate)
            {
                return [.. _rules.Select(r => r.Fault with { Times = r.Remaining })];
            }
        }
    }

    /// <summary>Takes the first matching rule for a request, counting it down.</summary>
    internal SandboxFault? Take(string registry, string path)
    {
        lock (_gate)
        {
            for (var i = 0; i < _rules.Count; i++)
            {
                var (fault, remaining) = _rules[i];
                if (!fault.Matches(registry, path))
                {
                    continue;
                }

                if (remaining is { } left)
                {
                    if (left <= 1)
                    {
                        _rules.RemoveAt(i);
                    }
                    else
                    {
                        _rules[i] = (fault, left - 1);
                    }
                }

                return fault;
            }

            return null;
        }
    }
}
