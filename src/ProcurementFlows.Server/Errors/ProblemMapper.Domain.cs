using Microsoft.AspNetCore.Mvc;

namespace ProcurementFlows.Server.Errors;

internal static partial class ProblemMapper
{
    private static partial ProblemDetails? MapDomain(Exception exception) => null;
}
