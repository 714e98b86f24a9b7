using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace ProcurementFlows.Workflows.Tests.Lifecycle;

/// <summary>One signed-in officer talking to the server over HTTP, with the waits an asynchronous server needs.</summary>
internal sealed class Officer(string name, HttpClient http)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    public string Name { get; } = name;

    public HttpClient Http { get; } = http;

    /// <summary>GETs JSON, asserting success.</summary>
    public async Task<JsonNode> Get(string path)
    {
        using var response = await Http.GetAsync(path);
        return await Read(response, path);
    }

    /// <summary>POSTs JSON, asserting success.</summary>
    public async Task<JsonNode> Post(string path, object body)
    {
        using var response = await Http.PostAsJsonAsync(path, body);
        return await Read(response, path);
    }

    /// <summary>Waits until the officer's inbox shows a task of <paramref name="activityId"/> (of one instance, if given) and returns it.</summary>
    public Task<JsonObject> WaitForTask(string activityId, string? instanceId = null, Func<JsonObject, bool>? where = null) =>
        Eventually($"{Name} sees {activityId}", async () =>
        {
            var page = await Get($"/api/tasks?scope=all&activityId={activityId}&limit=100");
            return page["items"]!.AsArray().OfType<JsonObject>()
                .FirstOrDefault(t => (instanceId is null || (string?)t["instanceId"] == instanceId) && (where is null || where(t)));
        });

    /// <summary>
    /// Opens the task page (asserting that it shows the task's deployed form and the case) and completes the task with
    /// form values, asserting success.
    /// </summary>
    public async Task Complete(JsonObject task, Dictionary<string, JsonNode?> variables)
    {
        var id = (string)task["id"]!;
        var page = await Get($"/api/tasks/{id}");
        var formKey = (string?)task["formKey"];
        Assert.StartsWith("camunda-forms:deployment:", formKey, StringComparison.Ordinal);
        Assert.True(page["form"]?["schema"]?["components"] is JsonArray, $"{task["activityId"]}: the form {formKey} is not deployed");
        Assert.Equal((string?)task["instanceId"], (string?)page["case"]!["instance"]!["id"]);
        await Post($"/api/tasks/{id}/complete", new { variables });
    }

    /// <summary>Waits for the task and completes it.</summary>
    public async Task<JsonObject> Do(string activityId, Dictionary<string, JsonNode?> variables, string? instanceId = null)
    {
        var task = await WaitForTask(activityId, instanceId);
        await Complete(task, variables);
        return task;
    }

    /// <summary>Polls <paramref name="probe"/> until it returns a value (the server works asynchronously: Hangfire, sweeps).</summary>
    public static async Task<T> Eventually<T>(string what, Func<Task<T?>> probe)
        where T : class
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            Assert.True(watch.Elapsed < Patience, $"gave up waiting: {what}");
            await Task.Delay(50);
        }
    }

    private static async Task<JsonNode> Read(HttpResponseMessage response, string path)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }
}
