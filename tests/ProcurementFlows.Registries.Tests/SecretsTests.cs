using ProcurementFlows.Registries.Vetting;
using ProcurementFlows.RegistrySandbox;
using ProcurementFlows.Runtime.ServiceTasks;

namespace ProcurementFlows.Registries.Tests;

/// <summary>API keys reach the registry and nothing else: not logs, not findings, not failure messages.</summary>
public sealed class SecretsTests
{
    private const string SamKey = "sam-SECRET-7f3a9c";
    private const string SanctionsKey = "os-SECRET-1b2c3d";

    [Fact]
    public async Task Api_keys_never_appear_in_logs_findings_or_failures()
    {
        await using var host = await RegistryTestHost.StartAsync(sandboxOptions: new SandboxOptions { SamGovApiKey = SamKey, OpenSanctionsApiKey = SanctionsKey });
        var outputs = new List<string>();

        foreach (var (topic, supplier) in new[]
        {
            (ExclusionsCheckHandler.TopicName, "excluded"),
            (CompanyLookupHandler.TopicName, "sam-inactive"),
            (SanctionsScreeningHandler.TopicName, "sanctioned"),
        })
        {
            outputs.Add(Describe(await host.RunAsync(topic, host.Supplier(supplier))));
        }

        // Failures and retries log too: a 503 retried, then a malformed body.
        host.Sandbox.Faults.Add(new SandboxFault { Registry = SandboxRegistries.SamGov, StatusCode = 503, Times = 1 });
        host.Sandbox.Faults.Add(new SandboxFault { Registry = SandboxRegistries.SamGov, Kind = SandboxFaultKind.MalformedJson, Times = 1 });
        host.Sandbox.Faults.Add(new SandboxFault { Registry = SandboxRegistries.OpenSanctions, StatusCode = 500 });
        outputs.Add(Describe(await host.RunAsync(ExclusionsCheckHandler.TopicName, host.Supplier("excluded"))));
        outputs.Add(Describe(await host.RunAsync(SanctionsScreeningHandler.TopicName, host.Supplier("clean"))));

        var logs = host.Logs.AllText;
        Assert.Contains("/sam/entity-information/v4/exclusions", logs, StringComparison.Ordinal); // the HTTP logging was captured
        Assert.DoesNotContain("SECRET", logs, StringComparison.Ordinal);
        Assert.All(outputs, output => Assert.DoesNotContain("SECRET", output, StringComparison.Ordinal));
        Assert.Contains(outputs, o => o.Contains("GET /sam/entity-information/v4/exclusions?ueiSAM=KQ7WLLDBMD5X", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_wrong_key_is_a_permanent_failure_that_points_at_the_setting_not_the_key()
    {
        await using var host = await RegistryTestHost.StartAsync(s => s["Registries:SamGov:ApiKey"] = "wrong-SECRET-key");

        var result = await host.RunAsync(ExclusionsCheckHandler.TopicName, host.Supplier("excluded"));

        var failed = Assert.IsType<ServiceTaskResult.Failed>(result);
        Assert.False(failed.Retryable);
        Assert.Contains("SAM.gov refused our credentials (403)", failed.Message, StringComparison.Ordinal);
        Assert.Contains("Registries:SamGov:ApiKey", failed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", failed.Message + failed.Details, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", host.Logs.AllText, StringComparison.Ordinal);
    }

    private static string Describe(ServiceTaskResult result) => result switch
    {
        ServiceTaskResult.Completed completed => string.Join('\n', completed.Variables.Select(v => v.Key + "=" + v.Value?.ToJsonString())),
        ServiceTaskResult.Failed failed => failed.Message + "\n" + failed.Details,
        _ => result.ToString(),
    };
}
