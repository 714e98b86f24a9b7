using System.ComponentModel.DataAnnotations;

namespace ProcurementFlows.Server.Camunda;

/// <summary>Options of the Camunda 7 compatible REST API under <c>/engine-rest</c> (section <c>EngineRest</c>).</summary>
public sealed class EngineRestOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "EngineRest";

    /// <summary>Serve <c>/engine-rest</c> at all (default true).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How long a verified HTTP Basic credential is remembered (default 5 minutes), so that long-polling workers do not
    /// pay a password hash per request. Zero verifies every request.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan BasicCredentialCacheDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Longest <c>asyncResponseTimeout</c> a fetch-and-lock may wait (default 30 minutes, Camunda's limit).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MaxAsyncResponseTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The group whose members may work external tasks (besides admins). Default <c>external-task-workers</c>.</summary>
    [Required]
    public string ExternalTaskWorkerGroup { get; set; } = "external-task-workers";
}
