using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace ProcurementFlows.Server.Hosting;

/// <summary>
/// Rejects a request whose declared length exceeds <see cref="ServerOptions.MaxRequestBodyBytes"/> with 413 before any
/// body is read. Kestrel enforces the same limit on streamed bodies; this also covers hosts that do not (the test server).
/// </summary>
internal sealed class RequestSizeLimitMiddleware(RequestDelegate next, IOptions<ServerOptions> options)
{
    public Task InvokeAsync(HttpContext context)
    {
        var limit = context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? options.Value.MaxRequestBodyBytes;
        if (context.Request.ContentLength is { } length && length > Math.Min(limit, options.Value.MaxRequestBodyBytes))
        {
            throw new BadHttpRequestException(
                $"The request body is {length} bytes; the limit is {options.Value.MaxRequestBodyBytes} bytes.",
                StatusCodes.Status413PayloadTooLarge);
        }

        return next(context);
    }
}
