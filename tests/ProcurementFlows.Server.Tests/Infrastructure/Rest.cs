using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ProcurementFlows.Server.Tests.Infrastructure;

/// <summary>HTTP helpers for the API tests.</summary>
public static class Rest
{
    /// <summary>A multipart body with the given files.</summary>
    public static MultipartFormDataContent Files(params (string Name, string Content)[] files)
    {
        var content = new MultipartFormDataContent();
        foreach (var (name, text) in files)
        {
            var part = new StringContent(text, Encoding.UTF8);
            part.Headers.ContentType = new MediaTypeHeaderValue(name.EndsWith(".form", StringComparison.Ordinal) ? "application/json" : "application/xml");
            content.Add(part, "files", name);
        }

        return content;
    }

    /// <summary>Deploys files and returns the parsed result; fails the test when the deployment is refused.</summary>
    public static async Task<JsonElement> Deploy(HttpClient designer, params (string Name, string Content)[] files)
    {
        using var body = Files(files);
        using var response = await designer.PostAsync("/api/definitions", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"Deploy failed with {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Sends JSON and returns the response.</summary>
    public static Task<HttpResponseMessage> Post(HttpClient client, string path, object? body = null) =>
        client.PostAsJsonAsync(path, body ?? new { });

    /// <summary>Reads a successful JSON response; fails the test with the body otherwise.</summary>
    public static async Task<JsonElement> Json(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"Expected {(int)expected} but got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>GETs JSON, asserting 200.</summary>
    public static async Task<JsonElement> Get(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return await Json(response);
    }
}
