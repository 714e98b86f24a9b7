using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace ProcurementFlows.Server.Errors;

/// <summary>
/// Turns exceptions into problem details. Known failures map to their status; anything else is a 500 that is
/// logged with its stack trace and shown without internals. A database failure is never disguised as a 404.
/// </summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = ProblemMapper.Map(exception);
        if (problem.Status >= StatusCodes.Status500InternalServerError)
        {
            logger.LogError(exception, "Request {Method} {Path} failed", httpContext.Request.Method, httpContext.Request.Path);
        }
        else
        {
            logger.LogInformation("Request {Method} {Path} rejected with {Status}: {Title}", httpContext.Request.Method, httpContext.Request.Path, problem.Status, problem.Title);
        }

        httpContext.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }
}

/// <summary>The one place that decides which exception becomes which problem.</summary>
internal static partial class ProblemMapper
{
    public static ProblemDetails Map(Exception exception) => exception switch
    {
        ApiProblemException api => api.Problem,
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => new ProblemDetails
        {
            Status = StatusCodes.Status413PayloadTooLarge,
            Title = "Request body too large",
            Detail = exception.Message,
        },
        BadHttpRequestException bad => new ProblemDetails
        {
            Status = bad.StatusCode,
            Title = "Bad request",
            Detail = bad.InnerException is JsonException json ? $"The request body is not valid JSON: {json.Message}" : bad.Message,
        },
        JsonException json => new ProblemDetails
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "Bad request",
            Detail = $"The request body is not valid JSON: {json.Message}",
        },
        _ => MapDomain(exception) ?? new ProblemDetails
        {
            Status = StatusCodes.Status500InternalServerError,
            Title = "Internal server error",
            Detail = "The request failed; the error has been logged with this request's trace id.",
        },
    };

    /// <summary>Maps the domain exception root (engine, runtime); null when the exception is not ours.</summary>
    private static partial ProblemDetails? MapDomain(Exception exception);
}

/// <summary>An error the API decided on itself (not found, validation), carried to the exception handler as a problem.</summary>
internal sealed class ApiProblemException(ProblemDetails problem) : Exception(problem.Detail ?? problem.Title)
{
    public ProblemDetails Problem { get; } = problem;
}
