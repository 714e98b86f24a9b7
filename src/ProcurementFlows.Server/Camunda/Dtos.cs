using System.Text.Json;
using System.Text.Json.Serialization;

namespace ProcurementFlows.Server.Camunda;

#pragma warning disable CA1054, CA1056 // Camunda's wire format carries links as strings

/// <summary>Camunda's error body.</summary>
/// <param name="Type">The exception kind, e.g. <c>InvalidRequestException</c>, <c>RestException</c>, <c>ProcessEngineException</c>.</param>
/// <param name="Message">What went wrong.</param>
/// <param name="Code">Camunda's error code (0 = unspecified).</param>
public sealed record CamundaErrorDto(string Type, string Message, int Code = 0);

/// <summary>A deployment rejected by the parser, with per-resource details (Camunda's <c>ParseException</c> body).</summary>
public sealed record ParseErrorDto(string Type, string Message, int Code, Dictionary<string, ResourceReportDto> Details);

/// <summary>Errors and warnings of one resource.</summary>
public sealed record ResourceReportDto(IReadOnlyList<ProblemDto> Errors, IReadOnlyList<ProblemDto> Warnings);

/// <summary>One parse problem.</summary>
public sealed record ProblemDto(string Message, int Line, int Column, string? MainElementId, IReadOnlyList<string> ElementIds);

/// <summary>A HATEOAS link.</summary>
public sealed record LinkDto(string Method, string Href, string Rel);

/// <summary>The engine version (<c>GET /version</c>).</summary>
public sealed record VersionDto(string Version);

/// <summary>A count result.</summary>
public sealed record CountDto(long Count);

/// <summary>A deployment.</summary>
public sealed record DeploymentDto(string Id, string? Name, string? Source, DateTimeOffset DeploymentTime, string? TenantId, IReadOnlyList<LinkDto> Links);

/// <summary>The result of <c>POST /deployment/create</c>.</summary>
public sealed record DeploymentWithDefinitionsDto(
    IReadOnlyList<LinkDto> Links,
    string Id,
    string? Name,
    string? Source,
    DateTimeOffset DeploymentTime,
    string? TenantId,
    Dictionary<string, ProcessDefinitionDto>? DeployedProcessDefinitions,
    Dictionary<string, object>? DeployedCaseDefinitions,
    Dictionary<string, object>? DeployedDecisionDefinitions,
    Dictionary<string, object>? DeployedDecisionRequirementsDefinitions);

/// <summary>A process definition version. Its id is <c>key:version:deploymentId</c>.</summary>
public sealed record ProcessDefinitionDto(
    string Id,
    string Key,
    string? Category,
    string? Description,
    string? Name,
    int Version,
    string Resource,
    string DeploymentId,
    string? Diagram,
    bool Suspended,
    string? TenantId,
    string? VersionTag,
    int? HistoryTimeToLive,
    bool StartableInTasklist);

/// <summary>A definition's BPMN XML.</summary>
public sealed record ProcessDefinitionXmlDto(string Id, string Bpmn20Xml);

/// <summary>Body of <c>POST /process-definition/.../start</c>.</summary>
public sealed record StartProcessInstanceDto(Dictionary<string, VariableValueDto?>? Variables, string? BusinessKey, string? CaseInstanceId, bool WithVariablesInReturn, bool SkipCustomListeners, bool SkipIoMappings, List<JsonElement>? StartInstructions = null);

/// <summary>A process instance.</summary>
public sealed record ProcessInstanceDto(
    IReadOnlyList<LinkDto> Links,
    string Id,
    string DefinitionId,
    string? BusinessKey,
    string? CaseInstanceId,
    bool Ended,
    bool Suspended,
    string? TenantId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Dictionary<string, VariableValueDto>? Variables);

/// <summary>A user task.</summary>
public sealed record TaskDto(
    string Id,
    string? Name,
    string? Assignee,
    string? Owner,
    DateTimeOffset Created,
    DateTimeOffset? Due,
    DateTimeOffset? FollowUp,
    DateTimeOffset? LastUpdated,
    string? DelegationState,
    string? Description,
    string ExecutionId,
    string? ParentTaskId,
    int Priority,
    string ProcessDefinitionId,
    string ProcessInstanceId,
    string TaskDefinitionKey,
    string? CaseExecutionId,
    string? CaseInstanceId,
    string? CaseDefinitionId,
    bool Suspended,
    string? FormKey,
    string? TenantId);

/// <summary>Body of <c>POST /task</c> (the query; paging comes from the query string).</summary>
public sealed record TaskQueryDto(
    string? TaskId,
    string? ProcessInstanceId,
    string? ProcessInstanceBusinessKey,
    string? ProcessDefinitionKey,
    string? TaskDefinitionKey,
    string? Assignee,
    bool? Assigned,
    bool? Unassigned,
    string? CandidateGroup,
    List<string>? CandidateGroups,
    string? CandidateUser,
    string? Name,
    string? NameLike,
    DateTimeOffset? DueBefore,
    DateTimeOffset? DueAfter,
    DateTimeOffset? CreatedBefore,
    DateTimeOffset? CreatedAfter,
    int? Priority,
    List<SortingDto>? Sorting);

/// <summary>One sort key of a query.</summary>
public sealed record SortingDto(string? SortBy, string? SortOrder);

/// <summary>Body of <c>POST /task/{id}/claim</c> and <c>/delegate</c>.</summary>
public sealed record UserIdDto(string? UserId);

/// <summary>Body of <c>POST /task/{id}/complete</c>.</summary>
public sealed record CompleteTaskDto(Dictionary<string, VariableValueDto?>? Variables, bool WithVariablesInReturn);

/// <summary>Body of <c>POST /message</c>.</summary>
public sealed record CorrelationMessageDto(
    string? MessageName,
    string? BusinessKey,
    string? ProcessInstanceId,
    string? TenantId,
    bool WithoutTenantId,
    Dictionary<string, VariableValueDto?>? CorrelationKeys,
    Dictionary<string, VariableValueDto?>? LocalCorrelationKeys,
    Dictionary<string, VariableValueDto?>? ProcessVariables,
    Dictionary<string, VariableValueDto?>? ProcessVariablesLocal,
    bool All,
    bool ResultEnabled,
    bool VariablesInResultEnabled);

/// <summary>One correlation result (when <c>resultEnabled</c>).</summary>
public sealed record MessageCorrelationResultDto(string ResultType, ProcessInstanceDto? ProcessInstance, ExecutionDto? Execution, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Dictionary<string, VariableValueDto>? Variables = null);

/// <summary>An execution (here: the instance's root execution).</summary>
public sealed record ExecutionDto(string Id, string ProcessInstanceId, bool Ended, string? TenantId);

/// <summary>Body of <c>POST /external-task/fetchAndLock</c>.</summary>
public sealed record FetchExternalTasksDto(string? WorkerId, int? MaxTasks, bool UsePriority, long? AsyncResponseTimeout, List<FetchTopicDto>? Topics);

/// <summary>One topic of a fetch.</summary>
public sealed record FetchTopicDto(
    string? TopicName,
    long? LockDuration,
    List<string>? Variables,
    bool LocalVariables,
    string? BusinessKey,
    string? ProcessDefinitionKey,
    List<string>? ProcessDefinitionKeyIn,
    bool DeserializeValues,
    bool IncludeExtensionProperties,
    Dictionary<string, JsonElement>? ProcessVariables = null,
    string? ProcessDefinitionId = null,
    List<string>? ProcessDefinitionIdIn = null,
    string? ProcessDefinitionVersionTag = null,
    List<string>? TenantIdIn = null);

/// <summary>A locked external task.</summary>
public sealed record LockedExternalTaskDto(
    string ActivityId,
    string ActivityInstanceId,
    string? ErrorMessage,
    string? ErrorDetails,
    string ExecutionId,
    string Id,
    DateTimeOffset? LockExpirationTime,
    DateTimeOffset CreateTime,
    string ProcessDefinitionId,
    string ProcessDefinitionKey,
    string? ProcessDefinitionVersionTag,
    string ProcessInstanceId,
    int? Retries,
    bool Suspended,
    string? WorkerId,
    string TopicName,
    string? TenantId,
    long Priority,
    string? BusinessKey,
    Dictionary<string, string> ExtensionProperties,
    Dictionary<string, VariableValueDto> Variables);

/// <summary>An external task.</summary>
public sealed record ExternalTaskDto(
    string ActivityId,
    string ActivityInstanceId,
    string? ErrorMessage,
    string ExecutionId,
    string Id,
    DateTimeOffset? LockExpirationTime,
    DateTimeOffset CreateTime,
    string ProcessDefinitionId,
    string ProcessDefinitionKey,
    string? ProcessDefinitionVersionTag,
    string ProcessInstanceId,
    int? Retries,
    bool Suspended,
    string? WorkerId,
    string TopicName,
    string? TenantId,
    long Priority,
    string? BusinessKey);

/// <summary>Body of <c>POST /process-instance/{id}/variables</c>.</summary>
public sealed record PatchVariablesDto(Dictionary<string, VariableValueDto?>? Modifications, List<string>? Deletions);

/// <summary>A form reference (<c>GET /task/{id}/form</c>, <c>GET /process-definition/{id}/startForm</c>).</summary>
public sealed record FormDto(string? Key, string? ContextPath);

/// <summary>Body of <c>PUT /external-task/{id}/retries</c>.</summary>
public sealed record RetriesDto(int? Retries);

/// <summary>Body of <c>PUT /external-task/{id}/priority</c>.</summary>
public sealed record PriorityDto(long? Priority);

/// <summary>Body of <c>POST /external-task/{id}/complete</c>.</summary>
public sealed record CompleteExternalTaskDto(string? WorkerId, Dictionary<string, VariableValueDto?>? Variables, Dictionary<string, VariableValueDto?>? LocalVariables);

/// <summary>Body of <c>POST /external-task/{id}/failure</c>.</summary>
public sealed record ExternalTaskFailureDto(string? WorkerId, string? ErrorMessage, string? ErrorDetails, int? Retries, long? RetryTimeout, Dictionary<string, VariableValueDto?>? Variables, Dictionary<string, VariableValueDto?>? LocalVariables);

/// <summary>Body of <c>POST /external-task/{id}/bpmnError</c>.</summary>
public sealed record ExternalTaskBpmnErrorDto(string? WorkerId, string? ErrorCode, string? ErrorMessage, Dictionary<string, VariableValueDto?>? Variables);

/// <summary>Body of <c>POST /external-task/{id}/extendLock</c>.</summary>
public sealed record ExtendLockDto(string? WorkerId, long? NewDuration);

/// <summary>A historic process instance.</summary>
public sealed record HistoricProcessInstanceDto(
    string Id,
    string? BusinessKey,
    string ProcessDefinitionId,
    string ProcessDefinitionKey,
    string? ProcessDefinitionName,
    int ProcessDefinitionVersion,
    DateTimeOffset StartTime,
    DateTimeOffset? EndTime,
    DateTimeOffset? RemovalTime,
    long? DurationInMillis,
    string? StartUserId,
    string? StartActivityId,
    string? DeleteReason,
    string? SuperProcessInstanceId,
    string? RootProcessInstanceId,
    string? TenantId,
    string State);

/// <summary>A historic activity instance.</summary>
public sealed record HistoricActivityInstanceDto(
    string Id,
    string? ParentActivityInstanceId,
    string ActivityId,
    string? ActivityName,
    string? ActivityType,
    string ProcessDefinitionKey,
    string ProcessDefinitionId,
    string ProcessInstanceId,
    string ExecutionId,
    string? TaskId,
    string? CalledProcessInstanceId,
    string? Assignee,
    DateTimeOffset StartTime,
    DateTimeOffset? EndTime,
    long? DurationInMillis,
    bool Canceled,
    bool CompleteScope,
    string? TenantId);
