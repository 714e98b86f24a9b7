namespace ProcurementFlows.Server;

/// <summary>
/// Names the server assembly for <c>WebApplicationFactory</c>. (The top-level <c>Program</c> type cannot serve: the
/// registry sandbox's assembly, referenced by the server, has one too.)
/// </summary>
public sealed class ServerAssembly
{
    private ServerAssembly()
    {
    }
}
