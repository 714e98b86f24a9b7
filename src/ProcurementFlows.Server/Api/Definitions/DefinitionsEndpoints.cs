using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using ProcurementFlows.Engine;
using ProcurementFlows.Runtime;
using ProcurementFlows.Server.Errors;
using ProcurementFlows.Server.Identity;
using ProcurementFlows.Server.Operations;

namespace ProcurementFlows.Server.Api.Definitions;

/// <summary>A definition key with its versions.</summary>
/// <param name="Key">The process id.</param>
/// <param name="Name">The latest version's name.</param>
/// <param name="LatestVersion">The highest version.</param>
/// <param name="Versions">Every version, newest first.</param>
public sealed record DefinitionKeySummary(string Key, string? Name, int LatestVersion, IReadOnlyList<DefinitionVersionSummary> Versions);

/// <summary>One stored version of a definition.</summary>
/// <param name="Key">The process id.</param>
/// <param name="Version">The version number.</param>
/// <param name="Name">The process name.</param>
/// <param name="ResourceName">The file it came from.</param>
/// <param name="Checksum">SHA-256 of the content.</param>
/// <param name="DeployedAt">When it was deployed.</param>
/// <param name="DeployedBy">Who deployed it.</param>
/// <param name="DeploymentId">The deployment that stored it.</param>
public sealed record DefinitionVersionSummary(string Key, int Version, string? Name, string ResourceName, string Checksum, DateTimeOffset DeployedAt, string? DeployedBy, Guid DeploymentId)
{
    internal static DefinitionVersionSummary From(DefinitionDetail d) => new(d.Key, d.Version, d.Name, d.ResourceName, d.Checksum, d.DeployedAt, d.DeployedBy, d.DeploymentId);
}

/// <summary>A user task of a definition, as designers and the workbench see it.</summary>
/// <param name="ElementId">The task definition key.</param>
/// <param name="Name">The task name.</param>
/// <param name="FormKey">The form key.</param>
/// <param name="CandidateGroups">Candidate groups (expressions shown as written).</param>
public sealed record UserTaskDescription(string ElementId, string? Name, string? FormKey, IReadOnlyList<string> CandidateGroups);

/// <summary>A definition version with its user tasks.</summary>
/// <param name="Definition">The version.</param>
/// <param name="UserTasks">Its user tasks.</param>
/// <param name="StartFormKey">The form of its none start event (filled in by whoever starts a case), or null.</param>
public sealed record DefinitionVersionDetail(DefinitionVersionSummary Definition, IReadOnlyList<UserTaskDescription> UserTasks, string? StartFormKey);

/// <summary>A form of a definition version.</summary>
/// <param name="FormKey">The key the start event or a user task refers to.</param>
/// <param name="Version">The stored form version (null when the form is not deployed).</param>
/// <param name="ResourceName">The file it came from.</param>
/// <param name="Schema">The form-js schema (null when not deployed).</param>
public sealed record FormDescription(string FormKey, int? Version, string? ResourceName, JsonNode? Schema);

/// <summary>The result of a validation without deployment.</summary>
/// <param name="Valid">True when every file would deploy.</param>
/// <param name="Diagnostics">Every finding in every file.</param>
public sealed record ValidationReport(bool Valid, IReadOnlyList<ResourceDiagnosticDto> Diagnostics);

/// <summary>Deploy, validate, list, fetch and compare process definitions.</summary>
public static class DefinitionsEndpoints
{
    /// <summary>Maps <c>/api/definitions</c>.</summary>
    public static IEndpointRouteBuilder MapDefinitionsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/definitions").WithTags("Definitions");
        group.MapPost("", Deploy)
            .RequireAuthorization(Policies.Designer)
            .DisableAntiforgery()
            .WithMetadata(MultipartFilesBody.Instance)
            .WithName("DeployDefinitions")
            .WithSummary("Deploy BPMN diagrams (*.bpmn) and forms (*.form) as new versions; identical content keeps its version.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        group.MapPost("/validate", Validate)
            .RequireAuthorization(Policies.Designer)
            .DisableAntiforgery()
            .WithMetadata(MultipartFilesBody.Instance)
            .WithName("ValidateDefinitions")
            .WithSummary("Validate files without deploying: every error at once, with element ids and positions.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        group.MapGet("", List)
            .WithName("ListDefinitions")
            .WithSummary("Definition keys with their versions.");
        group.MapGet("/{key}/versions/{version:int}", GetVersion)
            .WithName("GetDefinitionVersion")
            .WithSummary("One version's metadata and user tasks.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{key}/versions/{version:int}/xml", GetXml)
            .WithName("GetDefinitionXml")
            .WithSummary("One version's BPMN XML.")
            .Produces<string>(StatusCodes.Status200OK, "application/xml")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{key}/versions/{version:int}/forms", GetForms)
            .WithName("GetDefinitionForms")
            .WithSummary("The forms the version's start event and user tasks refer to.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{key}/diff", Diff)
            .WithName("DiffDefinitionVersions")
            .WithSummary("Elements added, removed and changed between two versions (by element id).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints;
    }

    private static async Task<Results<Created<DeploymentResult>, Ok<DeploymentResult>>> Deploy(
        HttpContext context, IDeploymentService deployments, IOptions<ProcurementFlowsRuntimeOptions> runtime, CancellationToken cancellationToken)
    {
        var (name, resources) = await ReadResources(context.Request, runtime.Value.MaxBpmnBytes, cancellationToken);
        var user = context.GetCurrentUser();
        var result = await deployments.DeployAsync(new DeploymentRequest(name, resources, user.UserName, "api"), cancellationToken);
        return result.Changed
            ? TypedResults.Created($"/api/definitions/{Uri.EscapeDataString(result.Definitions.FirstOrDefault()?.Key ?? "")}", result)
            : TypedResults.Ok(result);
    }

    private static async Task<Ok<ValidationReport>> Validate(HttpContext context, IOptions<ProcurementFlowsRuntimeOptions> runtime, CancellationToken cancellationToken)
    {
        var (_, resources) = await ReadResources(context.Request, runtime.Value.MaxBpmnBytes, cancellationToken);
        var diagnostics = new List<ResourceDiagnosticDto>();
        foreach (var resource in resources)
        {
            if (IsForm(resource.Name))
            {
                diagnostics.AddRange(ValidateForm(resource));
                continue;
            }

            var compiled = BpmnCompiler.Compile(resource.Content, new BpmnParserOptions { MaxBytes = runtime.Value.MaxBpmnBytes });
            diagnostics.AddRange(compiled.Diagnostics.Select(d => ResourceDiagnosticDto.From(new ResourceDiagnostic(resource.Name, d))));
        }

        return TypedResults.Ok(new ValidationReport(diagnostics.All(d => d.Severity != nameof(DiagnosticSeverity.Error)), diagnostics));
    }

    private static async Task<Ok<IReadOnlyList<DefinitionKeySummary>>> List(IDeploymentService deployments, CancellationToken cancellationToken)
    {
        var all = await deployments.ListDefinitionsAsync(latestOnly: false, cancellationToken);
        IReadOnlyList<DefinitionKeySummary> keys = [.. all
            .GroupBy(d => d.Key, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var versions = g.OrderByDescending(d => d.Version).Select(DefinitionVersionSummary.From).ToList();
                return new DefinitionKeySummary(g.Key, versions[0].Name, versions[0].Version, versions);
            })];
        return TypedResults.Ok(keys);
    }

    private static async Task<Ok<DefinitionVersionDetail>> GetVersion(string key, int version, IDeploymentService deployments, CancellationToken cancellationToken)
    {
        var definition = await Load(deployments, key, version, cancellationToken);
        var process = await deployments.GetProcessAsync(definition.Key, definition.Version, cancellationToken);
        return TypedResults.Ok(new DefinitionVersionDetail(DefinitionVersionSummary.From(definition), UserTasks(process), process.StartFormKey));
    }

    private static async Task<ContentHttpResult> GetXml(string key, int version, IDeploymentService deployments, CancellationToken cancellationToken)
    {
        var definition = await Load(deployments, key, version, cancellationToken);
        return TypedResults.Content(definition.BpmnXml, "application/xml", Encoding.UTF8);
    }

    private static async Task<Ok<IReadOnlyList<FormDescription>>> GetForms(string key, int version, IDeploymentService deployments, CancellationToken cancellationToken)
    {
        var definition = await Load(deployments, key, version, cancellationToken);
        var process = await deployments.GetProcessAsync(definition.Key, definition.Version, cancellationToken);
        var forms = new List<FormDescription>();
        var keys = UserTasks(process).Select(t => t.FormKey).Prepend(process.StartFormKey).OfType<string>().Distinct(StringComparer.Ordinal);
        foreach (var formKey in keys)
        {
            var form = await FormLookup.FindAsync(deployments, formKey, cancellationToken);
            forms.Add(new FormDescription(formKey, form?.Version, form?.ResourceName, form is null ? null : FormLookup.ParseSchema(form.Content)));
        }

        return TypedResults.Ok<IReadOnlyList<FormDescription>>(forms);
    }

    private static async Task<Ok<BpmnDiffResult>> Diff(string key, [FromQuery] int from, [FromQuery] int to, IDeploymentService deployments, CancellationToken cancellationToken)
    {
        var before = await Load(deployments, key, from, cancellationToken);
        var after = await Load(deployments, key, to, cancellationToken);
        return TypedResults.Ok(BpmnDiff.Compare(before.BpmnXml, after.BpmnXml));
    }

    private static async Task<DefinitionDetail> Load(IDeploymentService deployments, string key, int version, CancellationToken cancellationToken) =>
        await deployments.GetDefinitionAsync(key, version, cancellationToken)
            ?? throw ApiHelpers.NotFound("Definition version", $"{key}:{version}", "definition.not-found");

    private static List<UserTaskDescription> UserTasks(CompiledProcess process) =>
        [.. process.UserTasks.Select(t => new UserTaskDescription(t.ElementId, t.Name, t.FormKey, [.. t.CandidateGroups]))];

    private static bool IsForm(string name) => name.EndsWith(".form", StringComparison.OrdinalIgnoreCase);

    private static IEnumerable<ResourceDiagnosticDto> ValidateForm(DeploymentResource resource)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(resource.Content);
        }
        catch (JsonException ex)
        {
            return [new ResourceDiagnosticDto(resource.Name, "Error", "form.malformed", $"The form is not valid JSON: {ex.Message}", null, (int?)ex.LineNumber + 1, (int?)ex.BytePositionInLine)];
        }

        return node?["components"] is JsonArray
            ? []
            : [new ResourceDiagnosticDto(resource.Name, "Error", "form.not-form-js", "The form has no 'components' array (form-js schema expected).", null, null, null)];
    }

    /// <summary>
    /// Reads multipart files (any field name) and an optional <c>deployment-name</c>/<c>name</c> field. A file larger than
    /// the BPMN limit is refused with 413 before it is read into memory.
    /// </summary>
    internal static async Task<(string? Name, List<DeploymentResource> Resources)> ReadResources(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            throw ApiHelpers.Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "Send the files as multipart/form-data.", "deployment.media-type");
        }

        var form = await request.ReadFormAsync(cancellationToken);
        if (form.Files.Count == 0)
        {
            throw ApiHelpers.Validation(new Dictionary<string, string[]> { ["files"] = ["At least one *.bpmn or *.form file is required."] }, "No files", "The request carries no files.", "deployment.no-files");
        }

        var resources = new List<DeploymentResource>();
        var errors = new Dictionary<string, string[]>();
        foreach (var file in form.Files)
        {
            var name = Path.GetFileName(file.FileName);
            if (file.Length > maxBytes)
            {
                throw ApiHelpers.Problem(StatusCodes.Status413PayloadTooLarge, "File too large", $"'{name}' is {file.Length} bytes; the limit is {maxBytes} bytes.", "xml.too-large");
            }

            if (!(name.EndsWith(".bpmn", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".bpmn20.xml", StringComparison.OrdinalIgnoreCase) || IsForm(name)))
            {
                errors[name.Length == 0 ? "files" : name] = ["Only *.bpmn, *.bpmn20.xml and *.form files can be deployed."];
                continue;
            }

            if (IsForm(name))
            {
                using var reader = new StreamReader(file.OpenReadStream(), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
                resources.Add(new DeploymentResource(name, await reader.ReadToEndAsync(cancellationToken)));
                continue;
            }

            // BPMN is XML: its bytes are decoded by BOM, then the declared encoding, then UTF-8, strictly (the engine's rules).
            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, cancellationToken);
            buffer.Position = 0;
            if (BpmnCompiler.TryReadText(buffer, out var xml, new BpmnParserOptions { MaxBytes = maxBytes }) is { } unreadable)
            {
                errors[name] = [unreadable.ToString()];
                continue;
            }

            resources.Add(new DeploymentResource(name, xml));
        }

        if (errors.Count > 0)
        {
            throw ApiHelpers.Validation(errors, "Unsupported files", "Some files are neither BPMN diagrams nor forms.", "deployment.unsupported-file");
        }

        var deploymentName = form["deployment-name"].FirstOrDefault() ?? form["name"].FirstOrDefault();
        return (deploymentName, resources);
    }
}

/// <summary>Finds a deployed form for a user task's form key (Camunda's prefixes are accepted).</summary>
internal static class FormLookup
{
    public static async Task<FormDetail?> FindAsync(IDeploymentService deployments, string formKey, CancellationToken cancellationToken)
    {
        foreach (var candidate in Candidates(formKey))
        {
            if (await deployments.GetFormAsync(candidate, null, cancellationToken) is { } form)
            {
                return form;
            }
        }

        return null;
    }

    public static JsonNode? ParseSchema(string content)
    {
        try
        {
            return JsonNode.Parse(content);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IEnumerable<string> Candidates(string formKey)
    {
        yield return formKey;
        // camunda:formKey="camunda-forms:deployment:review.form" or "embedded:deployment:review.form"
        var last = formKey[(formKey.LastIndexOf(':') + 1)..];
        if (last != formKey && last.Length > 0)
        {
            yield return last;
        }

        if (last.EndsWith(".form", StringComparison.OrdinalIgnoreCase))
        {
            yield return last[..^5];
        }
    }
}
