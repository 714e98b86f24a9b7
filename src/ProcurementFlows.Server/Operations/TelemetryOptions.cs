namespace ProcurementFlows.Server.Operations;

/// <summary>Logs, traces and metrics. Bound from the <c>Telemetry</c> configuration section.</summary>
public sealed class TelemetryOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Telemetry";

    /// <summary>The name of the activity source (and meter prefix) our code reports on.</summary>
    public const string InstrumentationName = "ProcurementFlows";

    /// <summary>The <c>service.name</c> resource attribute (default <c>procurementflows</c>).</summary>
    public string ServiceName { get; set; } = "procurementflows";

    /// <summary>
    /// The OTLP endpoint (e.g. <c>http://collector:4317</c>). Traces, metrics and logs are exported only when this or the
    /// standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable is set.
    /// </summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>Write console logs as JSON, one object per line (default false; the Docker image turns it on).</summary>
    public bool JsonConsole { get; set; }
}
