using System.Globalization;
using System.Text;

namespace ProcurementFlows.RegistrySandbox;

/// <summary>Journals every registry request and applies the fault (per-request header first, then the rules).</summary>
internal sealed class SandboxFaultMiddleware(RequestDelegate next, SandboxFaults faults, RequestJournal journal, TimeProvider time)
{
    public const string FaultHeader = "X-Sandbox-Fault";

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var registry = path.Split('/', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? string.Empty;
        if (!SandboxRegistries.All.Contains(registry))
        {
            await next(context);
            return;
        }

        SandboxFault? fault;
        try
        {
            fault = context.Request.Headers.TryGetValue(FaultHeader, out var header) && header.Count > 0
                ? SandboxFault.Parse(header.ToString())
                : faults.Take(registry, path);
        }
        catch (FormatException e)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync(e.Message, context.RequestAborted);
            return;
        }

        journal.Record(new SandboxRequest(registry, context.Request.Method, path, RedactQuery(context.Request.QueryString.Value), time.GetUtcNow(), fault?.Kind));
        switch (fault?.Kind)
        {
            case null:
                await next(context);
                break;
            case SandboxFaultKind.Delay:
                await Task.Delay(TimeSpan.FromMilliseconds(fault.DelayMilliseconds), time, context.RequestAborted);
                await next(context);
                break;
            case SandboxFaultKind.Reset:
                context.Abort();
                break;
            case SandboxFaultKind.MalformedJson:
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{\"data\": {\"id\": \"truncat", context.RequestAborted);
                break;
            case SandboxFaultKind.Status:
                await WriteStatusAsync(context, registry, fault);
                break;
        }
    }

    private async Task WriteStatusAsync(HttpContext context, string registry, SandboxFault fault)
    {
        var response = context.Response;
        response.StatusCode = fault.StatusCode;
        if (fault.RetryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = fault.RetryAfterAsDate
                ? time.GetUtcNow().AddSeconds(seconds).ToString("R", CultureInfo.InvariantCulture)
                : seconds.ToString(CultureInfo.InvariantCulture);
        }

        response.ContentType = registry == SandboxRegistries.Gleif ? "application/vnd.api+json" : "application/json";
        var status = fault.StatusCode.ToString(CultureInfo.InvariantCulture);
        var body = registry switch
        {
            SandboxRegistries.Brreg => $$"""{"timestamp":"{{time.GetUtcNow():O}}","status":{{status}},"error":"Sandbox fault","message":"Injected by the registry sandbox","path":"{{context.Request.Path}}"}""",
            SandboxRegistries.OpenSanctions => $$"""{"detail":"Injected by the registry sandbox ({{status}})"}""",
            SandboxRegistries.Gleif => $$"""{"errors":[{"status":"{{status}}","title":"Injected by the registry sandbox"}]}""",
            SandboxRegistries.SamGov when fault.StatusCode == StatusCodes.Status429TooManyRequests =>
                $$"""{"code":"900804","message":"Message throttled out","description":"You have exceeded your quota.","nextAccessTime":"{{time.GetUtcNow().UtcDateTime.Date.AddDays(1):yyyy-MMM-dd HH:mm:ss}}+0000 UTC"}""",
            SandboxRegistries.SamGov => $$$"""{"error":{"code":"SANDBOX_FAULT","message":"Injected by the registry sandbox ({{{status}}})"}}""",
            _ => $$"""{"status":"error","errors":[{"location":"body","name":"data","description":"Injected by the registry sandbox ({{status}})"}]}""",
        };
        await response.WriteAsync(body, Encoding.UTF8, context.RequestAborted);
    }

    private static string RedactQuery(string? query)
    {
        if (string.IsNullOrEmpty(query))
        {
            return string.Empty;
        }

        var kept = query.TrimStart('?').Split('&').Where(p => !p.StartsWith("api_key=", StringComparison.OrdinalIgnoreCase));
        return string.Join('&', kept);
    }
}
