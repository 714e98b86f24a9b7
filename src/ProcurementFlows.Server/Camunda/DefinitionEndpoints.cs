using System.Text;
using Microsoft.Extensions.Options;
using ProcurementFlows.Engine;
using ProcurementFlows.Runtime;
using ProcurementFlows.Server.Api.Definitions;
using ProcurementFlows.Server.Identity;
using static ProcurementFlows.Server.Camunda.EngineRestSupport;

namespace ProcurementFlows.Server.Camunda;

/// <summary><c>/deployment</c> and <c>/process-definition</c>.</summary>
internal static class DefinitionEndpoints
{
    public static void MapDeploymentEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost("/deployment/create", Create)
            .WithName("EngineRestCreateDeployment")
            .WithSummary("Deploy BPMN diagrams and forms as Camunda Modeler sends them (multipart). Identical resources keep their version; changed ones get n+1. Role designer.")
            .DisableAntiforgery()
            .Produces<DeploymentWithDefinitionsDto>()
            .Produces<ParseErrorDto>(StatusCodes.Status400BadRequest)
            .WithErrors();
        group.MapGet("/deployment", List)
            .WithName("EngineRestGetDeployments")
            .WithSummary("Deployments, newest first; filter by name; paging by firstResult/maxResults.")
            .Produces<List<DeploymentDto>>()
            .WithErrors(StatusCodes.Status400BadRequest);
        group.MapGet("/deployment/count", Count)
            .WithName("EngineRestGetDeploymentsCount")
            .WithSummary("Number of deployments (filter by name).")
            .Produces<CountDto>()
            .WithErrors();
        group.MapGet("/deployment/{id}", Get)
            .WithName("EngineRestGetDeployment")
            .WithSummary("One deployment.")
            .Produces<DeploymentDto>()
            .WithErrors(StatusCodes.Status404NotFound);
    }

    public static void MapProcessDefinitionEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/process-definition", ListDefinitions)
            .WithName("EngineRestGetProcessDefinitions")
            .WithSummary("Process definitions; filter by key, name, version, deploymentId, latestVersion; paging by firstResult/maxResults.")
            .Produces<List<ProcessDefinitionDto>>()
            .WithErrors(StatusCodes.Status400BadRequest);
        group.MapGet("/process-definition/count", CountDefinitions)
            .WithName("EngineRestGetProcessDefinitionsCount")
            .WithSummary("Number of process definitions matching the same filters.")
            .Produces<CountDto>()
            .WithErrors(StatusCodes.Status400BadRequest);
        group.MapGet("/process-definition/key/{key}", (string key, IDeploymentService deployments, CancellationToken ct) => GetByKey(key, deployments, xml: false, ct))
            .WithName("EngineRestGetProcessDefinitionByKey")
            .WithSummary("The latest version of a process definition.")
            .Produces<ProcessDefinitionDto>()
            .WithErrors(StatusCodes.Status404NotFound);
        group.MapGet("/process-definition/key/{key}/xml", (string key, IDeploymentService deployments, CancellationToken ct) => GetByKey(key, deployments, xml: true, ct))
            .WithName("EngineRestGetProcessDefinitionBpmn20XmlByKey")
            .WithSummary("The BPMN XML of the latest version.")
            .Produces<ProcessDefinitionXmlDto>()
            .WithErrors(StatusCodes.Status404NotFound);
        group.MapGet("/process-definition/{id}", (string id, IDeploymentService deployments, CancellationToken ct) => GetById(id, deployments, xml: false, ct))
            .WithName("EngineRestGetProcessDefinition")
            .WithSummary("One process definition version by id (key:version:deploymentId).")
            .Produces<ProcessDefinitionDto>()
            .WithErrors(StatusCodes.Status404NotFound);
        group.MapGet("/process-definition/{id}/xml", (string id, IDeploymentService deployments, CancellationToken ct) => GetById(id, deployments, xml: true, ct))
            .WithName("EngineRestGetProcessDefinitionBpmn20Xml")
            .WithSummary("The BPMN XML of one version.")
            .Produces<ProcessDefinitionXmlDto>()
            .WithErrors(StatusCodes.Status404NotFound);
        group.MapGet("/process-definition/key/{key}/startForm", async (string key, IDeploymentService deployments, CancellationToken ct) =>
                Json(new FormDto((await StartFormAsync(key, null, deployments, ct)).FormKey, null)))
            .WithName("EngineRestGetStartFormByKey")
            .WithSummary("The start form key of the latest version (camunda:formKey or camunda:formRef of its none start event).")
            .Produces<FormDto>()
            .WithErrors(StatusCodes.Status404NotFound);
        group.MapGet("/process-definition/{id}/startForm", async (string id, IDeploymentService deployments, CancellationToken ct) =>
                Json(new FormDto((await StartFormAsync(null, id, deployments, ct)).FormKey, null)))
            .WithName("EngineRestGetStartForm")
            .WithSummary("The start form key of one version.")
            .Produces<FormDto>()
            .WithErrors(StatusCodes.Status404NotFound);
        group.MapGet("/process-definition/key/{key}/deployed-start-form", async (string key, IDeploymentService deployments, CancellationToken ct) =>
                await DeployedFormAsync((await StartFormAsync(key, null, deployments, ct)).FormKey, $"process definition {key}", deployments, ct))
            .WithName("EngineRestGetDeployedStartFormByKey")
            .WithSummary("The start form deployed with the latest version (a Camunda Forms schema).")
            .Produces<object>()
            .WithErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        group.MapGet("/process-definition/{id}/deployed-start-form", async (string id, IDeploymentService deployments, CancellationToken ct) =>
                await DeployedFormAsync((await StartFormAsync(null, id, deployments, ct)).FormKey, $"process definition {id}", deployments, ct))
            .WithName("EngineRestGetDeployedStartForm")
            .WithSummary("The start form deployed with one version (a Camunda Forms schema).")
            .Produces<object>()
            .WithErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        group.MapPost("/process-definition/key/{key}/start", (string key, HttpContext context, IDeploymentService deployments, IProcessCommands commands, IProcessQueries queries, VariableTypes types, CancellationToken ct) =>
                StartAsync(key, null, context, deployments, commands, queries, types, ct))
            .WithName("EngineRestStartProcessInstanceByKey")
            .WithSummary("Start the latest version with typed variables and a business key.")
            .Accepts<StartProcessInstanceDto>("application/json")
            .Produces<ProcessInstanceDto>()
            .WithErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status500InternalServerError);
        group.MapPost("/process-definition/{id}/start", (string id, HttpContext context, IDeploymentService deployments, IProcessCommands commands, IProcessQueries queries, VariableTypes types, CancellationToken ct) =>
            {
                var (key, version) = ParseDefinitionId(id);
                return StartAsync(key, version, context, deployments, commands, queries, types, ct);
            })
            .WithName("EngineRestStartProcessInstance")
            .WithSummary("Start a given version (id key:version:deploymentId) with typed variables and a business key.")
            .Accepts<StartProcessInstanceDto>("application/json")
            .Produces<ProcessInstanceDto>()
            .WithErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status500InternalServerError);
    }

    private static async Task<IResult> Create(HttpContext context, IDeploymentService deployments, IDeploymentCatalog catalog, IOptions<ProcurementFlowsRuntimeOptions> runtime, CancellationToken cancellationToken)
    {
        var user = RequireDesigner(context, "create deployments");
        var request = context.Request;
        if (!request.HasFormContentType)
        {
            throw EngineRestException.InvalidRequest("Deployments are created from multipart/form-data (Content-Type: multipart/form-data).", StatusCodes.Status415UnsupportedMediaType);
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellationToken);
        }
        catch (InvalidDataException ex)
        {
            throw EngineRestException.InvalidRequest($"The multipart body is malformed: {ex.Message}");
        }

        if (form["tenant-id"].ToString() is { Length: > 0 } tenant)
        {
            throw EngineRestException.InvalidRequest($"Multi-tenancy is not supported: leave tenant-id empty (got '{tenant}').");
        }

        if (form["deployment-activation-time"].ToString() is { Length: > 0 })
        {
            throw EngineRestException.InvalidRequest("deployment-activation-time (delayed activation) is not supported: definitions are active when deployed.");
        }

        foreach (var flag in new[] { "deploy-changed-only", "enable-duplicate-filtering" })
        {
            if (form[flag].ToString() is { Length: > 0 } value && !bool.TryParse(value, out _))
            {
                throw EngineRestException.InvalidRequest($"{flag} must be true or false, not '{value}'.");
            }
        }

        var maxBytes = runtime.Value.MaxBpmnBytes;
        var resources = new List<DeploymentResource>();
        foreach (var file in form.Files)
        {
            var name = Path.GetFileName(string.IsNullOrEmpty(file.FileName) ? file.Name : file.FileName);
            if (file.Length > maxBytes)
            {
                throw EngineRestException.InvalidRequest($"Resource '{name}' is {file.Length} bytes; the limit is {maxBytes} bytes.", StatusCodes.Status413PayloadTooLarge);
            }

            if (!(name.EndsWith(".bpmn", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".bpmn20.xml", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".form", StringComparison.OrdinalIgnoreCase)))
            {
                throw EngineRestException.InvalidRequest($"Resource '{name}' cannot be deployed: only BPMN diagrams (*.bpmn, *.bpmn20.xml) and forms (*.form) are supported (no DMN, CMMN or other files).");
            }

            if (name.EndsWith(".form", StringComparison.OrdinalIgnoreCase))
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
                throw EngineRestException.InvalidRequest($"Resource '{name}' cannot be read: {unreadable.Message}");
            }

            resources.Add(new DeploymentResource(name, xml));
        }

        if (resources.Count == 0)
        {
            throw EngineRestException.InvalidRequest("No deployment resources contained in the form upload.");
        }

        var deploymentName = form["deployment-name"].ToString() is { Length: > 0 } n ? n : null;
        var source = form["deployment-source"].ToString() is { Length: > 0 } s ? s : "engine-rest";
        var result = await deployments.DeployAsync(new DeploymentRequest(deploymentName, resources, user.UserName, source), cancellationToken);

        // Identical content is not stored again (Camunda's deploy-changed-only): answer with the deployment that holds it.
        var deploymentId = result.DeploymentId;
        if (deploymentId is null && result.Definitions.FirstOrDefault() is { } existing)
        {
            deploymentId = (await deployments.GetDefinitionAsync(existing.Key, existing.Version, cancellationToken))?.DeploymentId;
        }

        deploymentId ??= (await catalog.ListAsync(null, 0, 1, cancellationToken)).Items.FirstOrDefault()?.Id;
        var info = deploymentId is { } id ? await catalog.GetAsync(id, cancellationToken) : null;
        if (info is null)
        {
            throw new InvalidOperationException("The deployment was stored but cannot be read back.");
        }

        Dictionary<string, ProcessDefinitionDto>? deployed = null;
        foreach (var definition in result.Definitions.Where(d => d.IsNew))
        {
            var dto = new ProcessDefinitionDto(DefinitionId(definition.Key, definition.Version, info.Id), definition.Key, "http://bpmn.io/schema/bpmn", null, definition.Name,
                definition.Version, definition.ResourceName, info.Id.ToString(), null, false, null, null, null, true);
            (deployed ??= new(StringComparer.Ordinal))[dto.Id] = dto;
        }

        return Json(new DeploymentWithDefinitionsDto(
            [new LinkDto("GET", Href(request, $"/deployment/{info.Id}"), "self")],
            info.Id.ToString(),
            info.Name,
            info.Source,
            info.DeployedAt,
            null,
            deployed,
            null,
            null,
            null));
    }

    private static async Task<IResult> List(HttpRequest request, IDeploymentCatalog catalog, CancellationToken cancellationToken)
    {
        var (offset, limit) = Paging(request);
        var page = await catalog.ListAsync(Text(request, "name"), offset, limit, cancellationToken);
        return Json(page.Items.Select(d => DeploymentToDto(request, d)).ToList());
    }

    private static async Task<IResult> Count(HttpRequest request, IDeploymentCatalog catalog, CancellationToken cancellationToken) =>
        Json(new CountDto((await catalog.ListAsync(Text(request, "name"), 0, 0, cancellationToken)).Total));

    private static async Task<IResult> Get(string id, HttpRequest request, IDeploymentCatalog catalog, CancellationToken cancellationToken)
    {
        var info = Guid.TryParse(id, out var guid) ? await catalog.GetAsync(guid, cancellationToken) : null;
        return info is null ? throw EngineRestException.NotFound($"Deployment with id '{id}' does not exist") : Json(DeploymentToDto(request, info));
    }

    private static DeploymentDto DeploymentToDto(HttpRequest request, DeploymentInfo d) =>
        new(d.Id.ToString(), d.Name, d.Source, d.DeployedAt, null, [new LinkDto("GET", Href(request, $"/deployment/{d.Id}"), "self")]);

    private static async Task<List<ProcessDefinitionDto>> FilterDefinitions(HttpRequest request, IDeploymentService deployments, CancellationToken cancellationToken)
    {
        var latest = Bool(request, "latestVersion") ?? false;
        var key = Text(request, "key");
        var keys = Text(request, "keysIn")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var name = Text(request, "name");
        var version = Int(request, "version");
        var deploymentId = Text(request, "deploymentId");
        var all = await deployments.ListDefinitionsAsync(latest, cancellationToken);
        return all
            .Where(d => key is null || d.Key == key)
            .Where(d => keys is null || keys.Contains(d.Key, StringComparer.Ordinal))
            .Where(d => name is null || d.Name == name)
            .Where(d => version is null || d.Version == version)
            .Where(d => deploymentId is null || d.DeploymentId.ToString() == deploymentId)
            .OrderBy(d => d.Key, StringComparer.Ordinal).ThenBy(d => d.Version)
            .Select(ToDto)
            .ToList();
    }

    private static async Task<IResult> ListDefinitions(HttpRequest request, IDeploymentService deployments, CancellationToken cancellationToken)
    {
        var (offset, limit) = Paging(request);
        var all = await FilterDefinitions(request, deployments, cancellationToken);
        return Json(all.Skip(offset).Take(limit).ToList());
    }

    private static async Task<IResult> CountDefinitions(HttpRequest request, IDeploymentService deployments, CancellationToken cancellationToken) =>
        Json(new CountDto((await FilterDefinitions(request, deployments, cancellationToken)).Count));

    private static async Task<IResult> GetByKey(string key, IDeploymentService deployments, bool xml, CancellationToken cancellationToken)
    {
        var definition = await deployments.GetDefinitionAsync(key, null, cancellationToken)
            ?? throw EngineRestException.NotFound($"No matching process definition with key: {key} and no tenant-id");
        return xml ? Json(new ProcessDefinitionXmlDto(ToDto(definition).Id, definition.BpmnXml)) : Json(ToDto(definition));
    }

    private static async Task<IResult> GetById(string id, IDeploymentService deployments, bool xml, CancellationToken cancellationToken)
    {
        var (key, version) = ParseDefinitionId(id);
        var definition = await deployments.GetDefinitionAsync(key, version, cancellationToken);
        if (definition is null || ToDto(definition).Id != id)
        {
            throw EngineRestException.NotFound($"No matching definition with id {id}");
        }

        return xml ? Json(new ProcessDefinitionXmlDto(id, definition.BpmnXml)) : Json(ToDto(definition));
    }

    /// <summary>The start form key of the latest version of <paramref name="key"/>, or of the version <paramref name="id"/>.</summary>
    private static async Task<(DefinitionDetail Definition, string? FormKey)> StartFormAsync(string? key, string? id, IDeploymentService deployments, CancellationToken cancellationToken)
    {
        DefinitionDetail? definition;
        if (id is not null)
        {
            var (k, version) = ParseDefinitionId(id);
            definition = await deployments.GetDefinitionAsync(k, version, cancellationToken);
            definition = definition is not null && ToDto(definition).Id == id ? definition : throw EngineRestException.NotFound($"No matching definition with id {id}");
        }
        else
        {
            definition = await deployments.GetDefinitionAsync(key!, null, cancellationToken)
                ?? throw EngineRestException.NotFound($"No matching process definition with key: {key} and no tenant-id");
        }

        var process = await deployments.GetProcessAsync(definition.Key, definition.Version, cancellationToken);
        return (definition, process.StartFormKey);
    }

    /// <summary>The deployed form a form key refers to, as stored (Camunda's <c>deployed-form</c> endpoints).</summary>
    internal static async Task<IResult> DeployedFormAsync(string? formKey, string owner, IDeploymentService deployments, CancellationToken cancellationToken)
    {
        if (formKey is null)
        {
            throw EngineRestException.InvalidRequest($"The form key of {owner} is not set: it has no deployed form.");
        }

        var form = await FormLookup.FindAsync(deployments, formKey, cancellationToken)
            ?? throw EngineRestException.NotFound($"No deployed form matches the form key '{formKey}' of {owner}.");
        return Results.Text(form.Content, CamundaJson.ContentType);
    }

    private static async Task<IResult> StartAsync(string key, int? version, HttpContext context, IDeploymentService deployments, IProcessCommands commands, IProcessQueries queries, VariableTypes types, CancellationToken cancellationToken)
    {
        var user = context.GetCurrentUser();
        var definition = await deployments.GetDefinitionAsync(key, version, cancellationToken)
            ?? throw EngineRestException.NotFound(version is null ? $"No matching process definition with key: {key} and no tenant-id" : $"No matching definition with id {key}:{version}");
        var body = await CamundaJson.ReadBodyAsync(context.Request, new StartProcessInstanceDto(null, null, null, false, false, false), cancellationToken);
        if (body.StartInstructions is { Count: > 0 } || body.SkipIoMappings || !string.IsNullOrEmpty(body.CaseInstanceId))
        {
            throw EngineRestException.InvalidRequest("startInstructions, skipIoMappings and caseInstanceId are not supported: instances start at their start event with their mappings.");
        }

        var input = TypedVariables.Read(body.Variables);
        var outcome = await commands.StartAsync(new StartInstanceRequest(key, definition.Version, body.BusinessKey, input.Values, user.UserName), cancellationToken);

        // The instance id exists only now: a crash between the start and this write loses the types (they are inferred then), not the variables.
        await types.RecordAsync(outcome.InstanceId, input, cancellationToken);
        Dictionary<string, VariableValueDto>? returned = null;
        if (body.WithVariablesInReturn && await queries.GetInstanceAsync(outcome.InstanceId, cancellationToken) is { } detail)
        {
            returned = await types.ToDtoAsync(outcome.InstanceId, detail.Variables, null, cancellationToken);
        }

        return Json(new ProcessInstanceDto(
            [new LinkDto("GET", Href(context.Request, $"/process-instance/{outcome.InstanceId}"), "self")],
            outcome.InstanceId,
            ToDto(definition).Id,
            body.BusinessKey,
            null,
            outcome.Status != "Active",
            false,
            null,
            returned));
    }
}
