using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using ProcurementFlows.Runtime;
using ProcurementFlows.Server.Errors;
using ProcurementFlows.Server.Identity;

namespace ProcurementFlows.Server.Api;

/// <summary>Small helpers shared by the API endpoints.</summary>
internal static class ApiHelpers
{
    public static UserContext ToUserContext(this CurrentUser user) => new(user.UserName, user.Groups);

    /// <summary>The instance version from <c>If-Match</c> (an ETag we issued, <c>"7"</c> or <c>W/"7"</c>); null when absent.</summary>
    public static long? ExpectedVersion(this HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header) || header.Trim() == "*")
        {
            return null;
        }

        var value = header.Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal))
        {
            value = value[2..];
        }

        return long.TryParse(value.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : throw Problem(StatusCodes.Status400BadRequest, "Invalid If-Match", "If-Match must carry an ETag from this API, e.g. \"7\".");
    }

    public static void SetETag(this HttpResponse response, long version) =>
        response.Headers.ETag = $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    public static ApiProblemException Problem(int status, string title, string detail, string? code = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (code is not null)
        {
            problem.Type = ProblemMapper.TypePrefix + code;
            problem.Extensions["code"] = code;
        }

        return new ApiProblemException(problem);
    }

    public static ApiProblemException NotFound(string what, string id, string code) =>
        Problem(StatusCodes.Status404NotFound, "Not found", $"{what} '{id}' does not exist.", code);

    public static ApiProblemException Validation(IReadOnlyDictionary<string, string[]> errors, string title, string detail, string code)
    {
        var problem = new HttpValidationProblemDetails(errors.ToDictionary(e => e.Key, e => e.Value))
        {
            Status = StatusCodes.Status400BadRequest,
            Title = title,
            Detail = detail,
            Type = ProblemMapper.TypePrefix + code,
        };
        problem.Extensions["code"] = code;
        return new ApiProblemException(problem);
    }

    /// <summary>Clamps paging arguments to the runtime's accepted range.</summary>
    public static (int Offset, int Limit) Paging(int? offset, int? limit)
    {
        if (offset < 0)
        {
            throw Validation(new Dictionary<string, string[]> { ["offset"] = ["offset must not be negative."] }, "Invalid paging", "offset must not be negative.", "paging.invalid");
        }

        if (limit is < 1 or > 500)
        {
            throw Validation(new Dictionary<string, string[]> { ["limit"] = ["limit must be between 1 and 500."] }, "Invalid paging", "limit must be between 1 and 500.", "paging.invalid");
        }

        return (offset ?? 0, limit ?? 50);
    }
}

/// <summary>A page of items with the total count and the paging used.</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <param name="Items">The items of this page.</param>
/// <param name="Total">All matching items; when <paramref name="TotalExact"/> is false, a lower bound (counting stopped).</param>
/// <param name="Offset">Items skipped.</param>
/// <param name="Limit">Page size.</param>
/// <param name="TotalExact">
/// False when the count stopped at a bound (the inbox counts up to 1,000 tasks past the page): at least
/// <paramref name="Total"/> items match, so show it as "1,050+".
/// </param>
public sealed record Page<T>(IReadOnlyList<T> Items, long Total, int Offset, int Limit, bool TotalExact = true)
{
    /// <summary>Converts a runtime page.</summary>
    public static Page<T> From(PagedResult<T> result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new Page<T>(result.Items, result.Total, result.Offset, result.Limit, result.TotalIsExact);
    }
}
