using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using ProcurementFlows.Registries.Vetting;
using ProcurementFlows.RegistrySandbox;
using ProcurementFlows.Runtime.ServiceTasks;

namespace ProcurementFlows.Registries.Tests;

/// <summary>The Polly pipeline against real faults served by the sandbox over loopback.</summary>
public sealed class ResilienceTests
{
    private const string Lei = LeiCheckHandler.TopicName;

    [Fact]
    public async Task Transient_503s_are_retried_until_the_registry_answers()
    {
        await using var host = await RegistryTestHost.StartAsync();
        host.Sandbox.Faults.Add(new SandboxFault { Registry = SandboxRegistries.Gleif, StatusCode = 503, Times = 2 });

        var findings = await host.FindingsAsync(Lei, host.Supplier("clean"));

        Assert.Equal("clear", findings["status"]!.GetValue<string>());
        var requests = host.Sandbox.Requests.For(SandboxRegistries.Gleif);
        Assert.Equal([SandboxFaultKind.Status, SandboxFaultKind.Status, null], requests.Select(r => r.Fault));
    }

    [Fact]
    public async Task A_dropped_connection_is_retried()
    {
        await using var host = await RegistryTestHost.StartAsync();
        host.Sandbox.Faults.Add(new SandboxFault { Registry = SandboxRegistries.Brreg, Kind = SandboxFaultKind.Reset, Times = 1 });

        var findings = await host.FindingsAsync(CompanyLookupHandler.TopicName, host.Supplier("bankrupt"));

        Assert.Equal("hit", findings["status"]!.GetValue<string>());
        Assert.Equal(2, host.Sandbox.Requests.For(SandboxRegistries.Brreg).Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Retry_after_on_429_is_honoured_as_delta_seconds_or_http_date(bool asDate)
    {
        await using var host = await RegistryTestHost.StartAsync();
        // An HTTP date has whole-second resolution: now + 2 s waits between 1 and 2 s; delta 1 s waits 1 s.
        host.Sandbox.Faults.Add(new SandboxFault { Registry = SandboxRegistries.Gleif, StatusCode = 429, RetryAfterSeconds = asDate ? 2 : 1, RetryAfterAsDate = asDate, Times = 1 });
        var watch = Stopwatch.StartNew();

        var findings = await host.FindingsAsync(Lei, host.Supplier("clean"));

        watch.Stop();
        Assert.Equal("clear", findings["status"]!.GetValue<string>());
        var requests = host.Sandbox.Requests.For(SandboxRegistries.Gleif);
        Assert.Equal(2, requests.Count);
        // Without the header the back-off would be ~10 ms (RetryBaseDelay in tests).
        Assert.True(requests[1].ReceivedAt - requests[0].ReceivedAt >= TimeSpan.FromMilliseconds(990), $"retried after {requests[1].ReceivedAt - requests[0].ReceivedAt}");
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(1), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Retry_after_on_503_is_honoured()
    {
        await using var host = await RegistryTestHost.StartAsync();
        host.Sandbox.Faults.Add(new SandboxFault { Registry = SandboxRegistries.OpenSanctions, StatusCode = 503, RetryAfterSeconds = 1, Times = 1 });

        var findings = await host.FindingsAsync(SanctionsScreeningHandler.TopicName, host.Supplier("sanctioned"));

        Assert.Equal("hit", findings["status"]!.GetValue<string>());
        var requests = host.Sandbox.Requests.For(SandboxRegistries.OpenSanctions);
        Assert.True(requests[1].ReceivedAt - requests[0].ReceivedAt >= TimeSpan.FromMilliseconds(990));
    }

    [Fact]
    public async Task A_retry_after_longer_than_we_wait_inline_ends_the_lookup_as_retryable()
    {
        await using var host = await RegistryTestHost.StartAsync(s => s["Registries:SamGov:MaxRetryAfter"] = "00:00:05");
        host.Sandbox.Faults.Add(new SandboxFault { Registry = SandboxRegistries.SamGov, StatusCode = 429, RetryAfterSeconds = 3600 });

        var result = await host.RunAsync(ExclusionsCheckHandler.TopicName, host.Supplier("excluded"));

        var failed = Assert.IsType<ServiceTaskResult.Failed>(result);
        Assert.True(failed.Retryable);
        Assert.Contains("SAM.gov is throttling us (429)", failed.Message, StringComparison.Ordinal);
        Assert.Contains("900804", failed.Message, StringComparison.Ordinal);
        Assert.Contains("retryAfterSeconds=3600", failed.Details, StringComparison.Ordinal);
        Assert.Single(host.Sandbox.Requests.For(SandboxRegistries.SamGov));
    }

    [Fact]
    public async Task Exhausted_retries_fail_retryable_naming_the_registry()
    {
        await using var host = await RegistryTestHost.StartAsync();
        host.Sandbox.Faults.Add(new SandboxFault { Registry = SandboxRegistries.Gleif, StatusCode = 503 });

        var result = await host.RunAsync(Lei, host.Supplier("clean"));

        var failed = Assert.IsType<ServiceTaskResult.Failed>(result);
        Assert.True(failed.Retryable);
        Assert.Contains("GLEIF answered 503", failed.Message, StringComparison.Ordinal);
        Assert.Contains("reason=ServerError", failed.Details, StringComparison.Ordinal);
        Assert.Equal(4, host.Sandbox.Requests.For(SandboxRegistries.Gleif).Count);
    }

    [Fact]
    public async Task Circuit_opens_after_repeated_failure_fails_fast_and_closes_after_the_break()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        await using var host = await RegistryTestHost.StartAsync(
            s =>
            {
                s["Registries:Gleif:MaxRetryAttempts"] = "0";
                s["Registries:Gleif:CircuitBreaker:MinimumThroughput"] = "2";
                s["Registries:Gleif:CircuitBreaker:FailureRatio"] = "0.5";
                s["Registries:Gleif:CircuitBreaker:SamplingDuration"] = "00:00:10";
                s["Registries:Gleif:CircuitBreaker:BreakDuration"] = "00:00:30";
            },
            time);
        host.Sandbox.Faults.Add(new SandboxFault { Registry = SandboxRegistries.Gleif, StatusCode = 500 });

        var first = Assert.IsType<ServiceTaskResult.Failed>(await host.RunAsync(Lei, host.Supplier("clean")));
        var second = Assert.IsType<ServiceTaskResult.Failed>(await host.RunAsync(Lei, host.Supplier("clean")));
        var broken = Assert.IsType<ServiceTaskResult.Failed>(await host.RunAsync(Lei, host.Supplier("clean")));

        Assert.Contains("answered 500", first.Message, StringComparison.Ordinal);
        Assert.Contains("answered 500", second.Message, StringComparison.Ordinal);
        Assert.Equal("GLEIF is unavailable: its circuit breaker is open after repeated failures, so calls fail fast until the break ends.", broken.Message);
        Assert.True(broken.Retryable);
        Assert.Contains("reason=CircuitOpen", broken.Details, StringComparison.Ordinal);
        Assert.Equal(2, host.Sandbox.Requests.For(SandboxRegistries.Gleif).Count);

        host.Sandbox.Faults.Clear();
        time.Advance(TimeSpan.FromSeconds(31));
        var findings = await host.FindingsAsync(Lei, host.Supplier("clean"));

        Assert.Equal("clear", findings["status"]!.GetValue<string>());
        Assert.Equal(time.GetUtcNow(), DateTimeOffset.Parse(findings["retrievedAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(3, host.Sandbox.Requests.For(SandboxRegistries.Gleif).Count);
    }

    [Fact]
    public async Task A_slow_registry_times_out_as_retryable()
    {
        // On a clock the test moves, each attempt's timeout runs out only after the registry has the attempt: how many
        // attempts fit into the total timeout no longer depends on how fast a loaded machine gets a request across.
        var time = new FakeTimeProvider();
        await using var host = await RegistryTestHost.StartAsync(
            s =>
            {
                s["Registries:Gleif:AttemptTimeout"] = "00:00:00.200";
                s["Registries:Gleif:TotalTimeout"] = "00:00:00.700";
                s["Registries:Gleif:RetryBaseDelay"] = "00:00:00"; // retried at once: no back-off timer between the steps below
            },
            time);
        host.Sandbox.Faults.Add(new SandboxFault { Registry = SandboxRegistries.Gleif, Kind = SandboxFaultKind.Delay, DelayMilliseconds = 60_000 });

        var run = host.RunAsync(Lei, host.Supplier("clean"));

        // Attempts at 0, 200, 400 and 600 ms (the first and three retries), each timed out after 200 ms; the total
        // timeout ends the call at 700 ms, and not before.
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            await RegistryReceivedAsync(host, SandboxRegistries.Gleif, attempt);
            Assert.False(run.IsCompleted, $"the call ended before its total timeout, during attempt {attempt}");
            time.Advance(TimeSpan.FromMilliseconds(attempt < 4 ? 200 : 100));
        }

        var result = await run;

        var failed = Assert.IsType<ServiceTaskResult.Failed>(result);
        Assert.True(failed.Retryable);
        Assert.Contains("GLEIF did not answer in time", failed.Message, StringComparison.Ordinal);
        Assert.Contains("reason=Timeout", failed.Details, StringComparison.Ordinal);
        Assert.Equal(4, host.Sandbox.Requests.For(SandboxRegistries.Gleif).Count);
    }

    /// <summary>Waits (on the real clock, bounded) until the sandbox has received <paramref name="count"/> requests for the registry.</summary>
    private static async Task RegistryReceivedAsync(RegistryTestHost host, string registry, int count)
    {
        var deadline = Stopwatch.StartNew();
        while (host.Sandbox.Requests.For(registry).Count < count)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), $"the registry did not receive request {count} within 30 s");
            await Task.Delay(10);
        }
    }

    [Theory]
    [InlineData(SandboxRegistries.Brreg, CompanyLookupHandler.TopicName, "clean")]
    [InlineData(SandboxRegistries.Gleif, LeiCheckHandler.TopicName, "clean")]
    [InlineData(SandboxRegistries.OpenSanctions, SanctionsScreeningHandler.TopicName, "clean")]
    [InlineData(SandboxRegistries.SamGov, ExclusionsCheckHandler.TopicName, "excluded")]
    [InlineData(SandboxRegistries.Prozorro, TenderLookupHandler.TopicName, "ukrainian")]
    public async Task Malformed_json_is_a_clear_permanent_error_without_retries(string registry, string topic, string supplier)
    {
        await using var host = await RegistryTestHost.StartAsync();
        host.Sandbox.Faults.Add(new SandboxFault { Registry = registry, Kind = SandboxFaultKind.MalformedJson });
        var variables = new Dictionary<string, JsonNode?> { ["supplier"] = host.Supplier(supplier), ["tenderId"] = "a1b2c3d4e5f60718293a4b5c6d7e8f90" };

        var result = await host.RunAsync(topic, variables);

        var failed = Assert.IsType<ServiceTaskResult.Failed>(result);
        Assert.False(failed.Retryable);
        Assert.Contains("with a body that is not the expected JSON", failed.Message, StringComparison.Ordinal);
        Assert.Contains("error=RegistryResponseException", failed.Details, StringComparison.Ordinal);
        Assert.Single(host.Sandbox.Requests.For(registry));
    }

    [Fact]
    public async Task A_400_is_a_permanent_rejection_carrying_the_registry_detail()
    {
        await using var host = await RegistryTestHost.StartAsync();
        host.Sandbox.Faults.Add(new SandboxFault { Registry = SandboxRegistries.OpenSanctions, StatusCode = 400 });

        var result = await host.RunAsync(SanctionsScreeningHandler.TopicName, host.Supplier("clean"));

        var failed = Assert.IsType<ServiceTaskResult.Failed>(result);
        Assert.False(failed.Retryable);
        Assert.StartsWith("OpenSanctions rejected POST /opensanctions/match/default?", failed.Message, StringComparison.Ordinal);
        Assert.Contains("with 400", failed.Message, StringComparison.Ordinal);
        Assert.Contains("Injected by the registry sandbox", failed.Message, StringComparison.Ordinal);
        Assert.Single(host.Sandbox.Requests.For(SandboxRegistries.OpenSanctions));
    }
}
