using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using ProcurementFlows.Runtime;
using ProcurementFlows.Server.Identity;

namespace ProcurementFlows.Server.Api.Messages;

/// <summary>Correlate a message.</summary>
/// <param name="MessageName">The BPMN message name.</param>
/// <param name="CorrelationKey">The key the waiting instance expects (by default its business key).</param>
/// <param name="Variables">Variables delivered with the message.</param>
/// <param name="BusinessKey">Business key of an instance the message starts.</param>
/// <param name="All">Deliver to every waiting instance (default: the oldest one).</param>
public sealed record CorrelateMessageBody([property: Required] string MessageName, string? CorrelationKey, Dictionary<string, JsonNode?>? Variables, string? BusinessKey, bool All = false);

/// <summary>Messages from other systems (e.g. logistics reporting a delivery).</summary>
public static class MessagesEndpoints
{
    /// <summary>Maps <c>POST /api/messages</c>.</summary>
    public static IEndpointRouteBuilder MapMessagesEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/messages", Correlate)
            .WithTags("Messages")
            .WithName("CorrelateMessage")
            .WithSummary("Deliver a message by name and correlation key to waiting instances, or start instances with a matching message start event.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return endpoints;
    }

    private static async Task<Ok<MessageCorrelationResult>> Correlate(CorrelateMessageBody body, HttpContext context, IProcessCommands commands, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(body.MessageName))
        {
            throw ApiHelpers.Validation(new Dictionary<string, string[]> { ["messageName"] = ["The message name is required."] }, "Invalid request", "The message name is required.", "message.invalid");
        }

        var user = context.GetCurrentUser();
        var result = await commands.CorrelateMessageAsync(
            new CorrelateMessageRequest(body.MessageName, body.CorrelationKey, body.Variables, body.BusinessKey, body.All, user.UserName), cancellationToken);
        return TypedResults.Ok(result);
    }
}
