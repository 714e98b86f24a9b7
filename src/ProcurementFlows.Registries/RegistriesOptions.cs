namespace ProcurementFlows.Registries;

/// <summary>
/// Configuration of every registry connector, bound from the <c>Registries</c> section
/// (e.g. <c>Registries:Brreg:BaseUrl</c>, <c>Registries:SamGov:ApiKey</c>). The defaults point at the real,
/// public production endpoints; the embedded sandbox overrides the base URLs for offline use.
/// Validated at start-up.
/// </summary>
public sealed class RegistriesOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Registries";

    /// <summary>Brønnøysund (Enhetsregisteret and Regnskapsregisteret).</summary>
    public BrregOptions Brreg { get; set; } = new();

    /// <summary>OpenSanctions / yente.</summary>
    public OpenSanctionsOptions OpenSanctions { get; set; } = new();

    /// <summary>GLEIF LEI records.</summary>
    public GleifOptions Gleif { get; set; } = new();

    /// <summary>SAM.gov entity and exclusions.</summary>
    public SamGovOptions SamGov { get; set; } = new();

    /// <summary>Prozorro public read API.</summary>
    public ProzorroOptions Prozorro { get; set; } = new();

    /// <summary>The options of one registry.</summary>
    public RegistryOptions For(RegistryId registry) => registry switch
    {
        RegistryId.Brreg => Brreg,
        RegistryId.OpenSanctions => OpenSanctions,
        RegistryId.Gleif => Gleif,
        RegistryId.SamGov => SamGov,
        RegistryId.Prozorro => Prozorro,
        _ => throw new ArgumentOutOfRangeException(nameof(registry), registry, "Unknown registry."),
    };
}

/// <summary>Endpoint, credentials and resilience settings shared by every registry.</summary>
public abstract class RegistryOptions
{
    /// <summary>The registry's base URL; request paths are appended to it. Defaults to the real production URL.</summary>
    public Uri BaseUrl { get; set; } = null!;

    /// <summary>The API key, where the registry needs one. Never logged, never written to findings.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Timeout of one HTTP attempt. Default 10 s.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Timeout of one look-up including retries, back-off and rate-limiter queueing. Default 30 s.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after the first attempt on 408, 429, 5xx, timeouts and connection failures; 0 disables. Default 3.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>Base of the jittered exponential back-off between retries. Default 500 ms.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The longest <c>Retry-After</c> (429/503) we wait inline. A longer one (e.g. SAM.gov's daily quota,
    /// reset at 00:00 UTC) ends the look-up as retryable so the process's own retry cycle takes over. Default 30 s.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Circuit breaker settings.</summary>
    public CircuitBreakerSettings CircuitBreaker { get; set; } = new();

    /// <summary>
    /// Short-window throttle matching the registry's published rate; calls over it wait in a queue.
    /// </summary>
    public RateLimitSettings Throttle { get; set; } = new();

    /// <summary>
    /// Optional long-window quota (e.g. SAM.gov's daily key quota); calls over it fail at once as retryable.
    /// <see langword="null"/> (the default except for SAM.gov) means no quota is enforced locally.
    /// </summary>
    public RateLimitSettings? Quota { get; set; }
}

/// <summary>Circuit breaker settings (Polly): opens when the failure ratio in the sampling window is reached.</summary>
public sealed class CircuitBreakerSettings
{
    /// <summary>Failure ratio that opens the circuit, in (0, 1]. Default 0.5.</summary>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Minimum calls in the sampling window before the ratio counts (at least 2). Default 10.</summary>
    public int MinimumThroughput { get; set; } = 10;

    /// <summary>The sampling window (at least 0.5 s). Default 30 s.</summary>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit fails fast before a trial call (at least 0.5 s). Default 30 s.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>A fixed-window rate limit: <see cref="PermitLimit"/> calls per <see cref="Window"/>.</summary>
public sealed class RateLimitSettings
{
    /// <summary>Calls allowed per window. Default 10.</summary>
    public int PermitLimit { get; set; } = 10;

    /// <summary>The window. Default 1 s.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Calls that may wait for a permit; more are refused at once. Default 1000.</summary>
    public int QueueLimit { get; set; } = 1000;
}

/// <summary>Brønnøysund. No auth, no published limit (we keep to 10 calls/s).</summary>
public sealed class BrregOptions : RegistryOptions
{
    /// <summary>The host; the client appends <c>/enhetsregisteret/api/...</c> and <c>/regnskapsregisteret/regnskap/...</c>.</summary>
    public static readonly Uri DefaultBaseUrl = new("https://data.brreg.no/");

    /// <summary>Creates the options with production defaults.</summary>
    public BrregOptions()
    {
        BaseUrl = DefaultBaseUrl;
        Throttle = new RateLimitSettings { PermitLimit = 10, Window = TimeSpan.FromSeconds(1) };
    }
}

/// <summary>OpenSanctions hosted API (needs <c>Authorization: ApiKey</c>) or a self-hosted yente (no key).</summary>
public sealed class OpenSanctionsOptions : RegistryOptions
{
    /// <summary>The hosted API.</summary>
    public static readonly Uri DefaultBaseUrl = new("https://api.opensanctions.org/");

    /// <summary>The topics screened when <see cref="Topics"/> is not set.</summary>
    public static readonly IReadOnlyList<string> DefaultTopics = ["sanction", "sanction.linked", "debarment"];

    /// <summary>Creates the options with production defaults.</summary>
    public OpenSanctionsOptions()
    {
        BaseUrl = DefaultBaseUrl;
        // Billed per query with a monthly plan quota (then 429); 5/s keeps bursts polite.
        Throttle = new RateLimitSettings { PermitLimit = 5, Window = TimeSpan.FromSeconds(1) };
    }

    /// <summary>The dataset collection matched against. Default <c>default</c>.</summary>
    public string Dataset { get; set; } = "default";

    /// <summary>Score at or above which a result is a match (yente's <c>threshold</c>). Default 0.70.</summary>
    public double Threshold { get; set; } = 0.70;

    /// <summary>The <c>topics</c> filter; <see langword="null"/> means <see cref="DefaultTopics"/>.</summary>
    public IList<string>? Topics { get; set; }

    /// <summary>The matching algorithm, e.g. <c>logic-v2</c>; <see langword="null"/> leaves yente's default.</summary>
    public string? Algorithm { get; set; }

    /// <summary>Results returned per query (1..10). Default 5.</summary>
    public int Limit { get; set; } = 5;

    /// <summary>The topics in effect.</summary>
    public IReadOnlyList<string> EffectiveTopics => Topics is { Count: > 0 } topics ? [.. topics] : DefaultTopics;
}

/// <summary>GLEIF. No auth, no documented limit; throttled to about 1 call/s as GLEIF asks.</summary>
public sealed class GleifOptions : RegistryOptions
{
    /// <summary>The public API.</summary>
    public static readonly Uri DefaultBaseUrl = new("https://api.gleif.org/api/v1/");

    /// <summary>Creates the options with production defaults.</summary>
    public GleifOptions()
    {
        BaseUrl = DefaultBaseUrl;
        Throttle = new RateLimitSettings { PermitLimit = 1, Window = TimeSpan.FromSeconds(1) };
    }
}

/// <summary>SAM.gov. The <c>api_key</c> query parameter is required; quotas are per key and day.</summary>
public sealed class SamGovOptions : RegistryOptions
{
    /// <summary>The public API host.</summary>
    public static readonly Uri DefaultBaseUrl = new("https://api.sam.gov/");

    /// <summary>Creates the options with production defaults.</summary>
    public SamGovOptions()
    {
        BaseUrl = DefaultBaseUrl;
        Throttle = new RateLimitSettings { PermitLimit = 2, Window = TimeSpan.FromSeconds(1) };
        // An entity-registered key gets 1,000 calls a day (basic 10, federal 10,000); SAM resets at 00:00 UTC,
        // our window runs from start-up, so SAM's own 429 stays authoritative.
        Quota = new RateLimitSettings { PermitLimit = 1000, Window = TimeSpan.FromDays(1), QueueLimit = 0 };
    }
}

/// <summary>Prozorro. No auth for reads; the change feed should be polled at most every 5 minutes.</summary>
public sealed class ProzorroOptions : RegistryOptions
{
    /// <summary>The public read API.</summary>
    public static readonly Uri DefaultBaseUrl = new("https://public-api.prozorro.gov.ua/api/2.5/");

    /// <summary>Creates the options with production defaults.</summary>
    public ProzorroOptions()
    {
        BaseUrl = DefaultBaseUrl;
        Throttle = new RateLimitSettings { PermitLimit = 5, Window = TimeSpan.FromSeconds(1) };
    }
}
