using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ProcurementFlows.Camunda.Tests.Infrastructure;

/// <summary>HTTP helpers speaking Camunda's JSON.</summary>
public static class Http
{
    public static async Task<JsonNode?> Json(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"Expected {(int)expected} but got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? null : JsonNode.Parse(text);
    }

    public static async Task<JsonNode?> Get(HttpClient client, string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.GetAsync(path);
        return await Json(response, expected);
    }

    public static async Task<JsonNode?> Post(HttpClient client, string path, object? body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var content = new StringContent(body is string s ? s : JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(path, content);
        return await Json(response, expected);
    }

    /// <summary>Asserts Camunda's error shape and returns the message.</summary>
    public static async Task<string> Error(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status} but got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.ToString()); // exactly, as Camunda sends it
        var body = JsonNode.Parse(text)!;
        Assert.Equal(type, (string?)body["type"]);
        var message = (string?)body["message"];
        Assert.False(string.IsNullOrWhiteSpace(message));
        return message!;
    }

    public static async Task<string> PostError(HttpClient client, string path, object? body, HttpStatusCode status, string type)
    {
        using var content = new StringContent(body is string s ? s : JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(path, content);
        return await Error(response, status, type);
    }

    /// <summary>
    /// The multipart body Camunda Modeler (5.x) sends to <c>POST /deployment/create</c>, byte for byte: its form-data
    /// boundary style, the fields in its order, each file under its own name with its file name.
    /// </summary>
    public static ByteArrayContent ModelerDeployment(string deploymentName, IReadOnlyList<(string FileName, string Content)> files, string? tenantId = null, string? extraField = null)
    {
        const string boundary = "--------------------------417208765103485721293402";
        var body = new StringBuilder();
        void Field(string name, string value) =>
            body.Append("--").Append(boundary).Append("\r\n")
                .Append("Content-Disposition: form-data; name=\"").Append(name).Append("\"\r\n\r\n")
                .Append(value).Append("\r\n");
        Field("deployment-name", deploymentName);
        Field("deployment-source", "Camunda Modeler");
        Field("deploy-changed-only", "true");
        if (tenantId is not null)
        {
            Field("tenant-id", tenantId);
        }

        if (extraField is not null)
        {
            Field(extraField, "2030-01-01T00:00:00.000+0000");
        }

        foreach (var (fileName, content) in files)
        {
            body.Append("--").Append(boundary).Append("\r\n")
                .Append("Content-Disposition: form-data; name=\"").Append(fileName).Append("\"; filename=\"").Append(fileName).Append("\"\r\n")
                .Append("Content-Type: application/octet-stream\r\n\r\n")
                .Append(content).Append("\r\n");
        }

        body.Append("--").Append(boundary).Append("--\r\n");
        var result = new ByteArrayContent(Encoding.UTF8.GetBytes(body.ToString()));
        result.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={boundary}");
        return result;
    }

    public static async Task<JsonNode> Deploy(HttpClient designer, string name, params (string FileName, string Content)[] files)
    {
        using var content = ModelerDeployment(name, files);
        using var response = await designer.PostAsync("deployment/create", content);
        return (await Json(response))!;
    }
}
