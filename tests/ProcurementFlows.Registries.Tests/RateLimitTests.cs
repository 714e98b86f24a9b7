using System.Diagnostics;
using ProcurementFlows.Registries.Vetting;
using ProcurementFlows.RegistrySandbox;
using ProcurementFlows.Runtime.ServiceTasks;

namespace ProcurementFlows.Registries.Tests;

/// <summary>The throttle keeps a burst within the registry's quota; the quota refuses what is over it.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task A_burst_of_200_lookups_is_spread_to_the_configured_50_per_second()
    {
        await using var host = await RegistryTestHost.StartAsync(s =>
        {
            s["Registries:Gleif:Throttle:PermitLimit"] = "50";
            s["Registries:Gleif:Throttle:Window"] = "00:00:01";
            s["Registries:Gleif:Throttle:QueueLimit"] = "1000";
            s["Registries:Gleif:TotalTimeout"] = "00:00:30";
            // Only the throttle may shape the burst: on a loaded machine a round trip can outlast the test host's 5 s attempt
            // timeout, and its retry is a second arrival at the registry. One attempt per look-up, as long as the burst may take.
            s["Registries:Gleif:AttemptTimeout"] = "00:00:30";
            s["Registries:Gleif:MaxRetryAttempts"] = "0";
        });
        var supplier = host.Supplier("clean");
        var start = TimeProvider.System.GetUtcNow();
        var watch = Stopwatch.StartNew();

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => host.RunAsync(LeiCheckHandler.TopicName, supplier.DeepClone().AsObject())));

        watch.Stop();
        Assert.All(results, r => Assert.IsType<ServiceTaskResult.Completed>(r));
        var arrivals = host.Sandbox.Requests.For(SandboxRegistries.Gleif).Select(r => r.ReceivedAt).Order().ToList();
        Assert.Equal(200, arrivals.Count);
        // 50 now, then 50 at each of +1 s, +2 s, +3 s: the burst cannot finish in under 3 s.
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(2.9), $"200 look-ups at 50/s took only {watch.Elapsed}");
        // The limiter's windows start after `start` (it is created on first use), and a request can arrive late but never
        // before its permit: so by start + k + 0.95 s at most (k + 1) windows' worth of permits can have arrived.
        for (var k = 0; k < 4; k++)
        {
            var early = arrivals.Count(a => a < start.AddSeconds(k + 0.95));
            Assert.True(early <= 50 * (k + 1), $"{early} look-ups arrived within {k + 0.95} s, more than {k + 1} window(s) of 50 permits");
        }
    }

    [Fact]
    public async Task A_used_up_quota_refuses_at_once_as_retryable_without_calling_the_registry()
    {
        await using var host = await RegistryTestHost.StartAsync(s =>
        {
            s["Registries:SamGov:Quota:PermitLimit"] = "2";
            s["Registries:SamGov:Quota:Window"] = "1.00:00:00";
            s["Registries:SamGov:Quota:QueueLimit"] = "0";
        });

        Assert.IsType<ServiceTaskResult.Completed>(await host.RunAsync(ExclusionsCheckHandler.TopicName, host.Supplier("excluded")));
        Assert.IsType<ServiceTaskResult.Completed>(await host.RunAsync(ExclusionsCheckHandler.TopicName, host.Supplier("clean")));
        var refused = Assert.IsType<ServiceTaskResult.Failed>(await host.RunAsync(ExclusionsCheckHandler.TopicName, host.Supplier("clean")));

        Assert.True(refused.Retryable);
        Assert.Contains("Registries:SamGov:Throttle/Quota", refused.Message, StringComparison.Ordinal);
        Assert.Contains("reason=QuotaExhausted", refused.Details, StringComparison.Ordinal);
        Assert.Equal(2, host.Sandbox.Requests.For(SandboxRegistries.SamGov).Count);
    }
}
