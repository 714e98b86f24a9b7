namespace ProcurementFlows.Server.Camunda;

/// <summary>An error answered in Camunda's shape <c>{"type":..., "message":...}</c> with the given status.</summary>
internal sealed class EngineRestException(int status, string type, string message) : Exception(message)
{
    public int Status { get; } = status;

    public string Type { get; } = type;

    public static EngineRestException InvalidRequest(string message, int status = StatusCodes.Status400BadRequest) => new(status, "InvalidRequestException", message);

    public static EngineRestException NotFound(string message) => new(StatusCodes.Status404NotFound, "InvalidRequestException", message);

    public static EngineRestException Forbidden(string message) => new(StatusCodes.Status403Forbidden, "AuthorizationException", message);
}
