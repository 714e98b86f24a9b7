using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using ProcurementFlows.Registries.Http;
using ProcurementFlows.Runtime;

namespace ProcurementFlows.Server.Operations;

/// <summary>Composition of structured logs and OpenTelemetry traces and metrics.</summary>
public static class TelemetryExtensions
{
    /// <summary>
    /// Adds OpenTelemetry tracing and metrics for ASP.NET Core, HTTP clients, the <c>ProcurementFlows</c> activity source, the
    /// runtime's <c>ProcurementFlows.Runtime</c> meter (instances started/completed, tasks completed, timers fired, incidents,
    /// command duration) and the registries' <c>ProcurementFlows.Registries</c> meter (registry call latency); exports over
    /// OTLP only when an endpoint is configured.
    /// </summary>
    public static IHostApplicationBuilder AddProcurementFlowsTelemetry(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(TelemetryOptions.SectionName);
        builder.Services.AddOptions<TelemetryOptions>().Bind(section).ValidateOnStart();
        var options = section.Get<TelemetryOptions>() ?? new TelemetryOptions();

        if (options.JsonConsole)
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
        }

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(options.ServiceName))
            .WithTracing(t => t
                .AddSource(TelemetryOptions.InstrumentationName, TelemetryOptions.InstrumentationName + ".*")
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/healthz"))
                .AddHttpClientInstrumentation())
            .WithMetrics(m => m
                .AddMeter(RuntimeMetrics.MeterName, RegistryMetrics.MeterName, TelemetryOptions.InstrumentationName, TelemetryOptions.InstrumentationName + ".*")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation());

        var envEndpoint = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (options.OtlpEndpoint is not null || !string.IsNullOrWhiteSpace(envEndpoint))
        {
            builder.Logging.AddOpenTelemetry(o =>
            {
                o.IncludeFormattedMessage = true;
                o.IncludeScopes = true;
            });
            otel.UseOtlpExporter(OpenTelemetry.Exporter.OtlpExportProtocol.Grpc, options.OtlpEndpoint ?? new Uri(envEndpoint!));
        }

        return builder;
    }
}
