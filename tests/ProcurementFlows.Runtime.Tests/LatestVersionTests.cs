using ProcurementFlows.Runtime.Tests.Infrastructure;

namespace ProcurementFlows.Runtime.Tests;

/// <summary>
/// Starts by key take the latest version from a per-process cache; a version deployed by another server process on the
/// same database must still be used by every start that begins after that deployment committed.
/// </summary>
public sealed class LatestVersionTests : IAsyncLifetime
{
    private RuntimeHarness? _deployer;
    private RuntimeHarness? _starter;

    private RuntimeHarness Deployer => _deployer!;

    private RuntimeHarness Starter => _starter!;

    public async Task InitializeAsync()
    {
        var connectionString = await SharedCluster.CreateDatabaseAsync("latest");
        _deployer = await RuntimeHarness.StartAsync(connectionString);
        _starter = await RuntimeHarness.StartAsync(connectionString);
    }

    public async Task DisposeAsync()
    {
        if (_starter is not null)
        {
            await _starter.DisposeAsync();
        }

        if (_deployer is not null)
        {
            await _deployer.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_start_by_key_after_another_process_deployed_uses_the_new_version()
    {
        var key = Unique("remote");
        await Deployer.Deployments.DeployAsync(new DeploymentRequest(null, [new("p.bpmn", Bpmn.SingleTask(key, taskName: "First"))]));

        // The starting process learns version 1 (and caches it).
        var first = await Starter.Commands.StartAsync(new StartInstanceRequest(key));
        var second = await Starter.Commands.StartAsync(new StartInstanceRequest(key));
        Assert.Equal((1, 1), (first.ProcessVersion, second.ProcessVersion));

        // The other process deploys version 2; the starting process was not told.
        var deployed = await Deployer.Deployments.DeployAsync(new DeploymentRequest(null, [new("p.bpmn", Bpmn.SingleTask(key, taskName: "Second"))]));
        Assert.Equal(2, Assert.Single(deployed.Definitions).Version);

        var third = await Starter.Commands.StartAsync(new StartInstanceRequest(key));
        var fourth = await Starter.Commands.StartAsync(new StartInstanceRequest(key));
        Assert.Equal((2, 2), (third.ProcessVersion, fourth.ProcessVersion));
        Assert.Equal("Second", await Starter.TextAsync("SELECT name FROM pf.tasks WHERE instance_id = $1", third.InstanceId));

        // The stale attempt wrote nothing: exactly the four instances exist, each with one task and its own history.
        Assert.Equal(4, await Starter.ScalarAsync("SELECT count(*) FROM pf.instances WHERE definition_key = $1", key));
        Assert.Equal(4, await Starter.ScalarAsync("SELECT count(*) FROM pf.tasks WHERE definition_key = $1", key));
        Assert.Equal(0, await Starter.ScalarAsync(
            "SELECT count(*) FROM pf.history h WHERE NOT EXISTS (SELECT 1 FROM pf.instances i WHERE i.id = h.instance_id)"));
    }

    [Fact]
    public async Task Starts_racing_with_a_remote_deployment_never_use_the_old_version_once_it_has_committed()
    {
        var key = Unique("race");
        await Deployer.Deployments.DeployAsync(new DeploymentRequest(null, [new("p.bpmn", Bpmn.SingleTask(key, taskName: "First"))]));
        Assert.Equal(1, (await Starter.Commands.StartAsync(new StartInstanceRequest(key))).ProcessVersion);

        // Eight clients of the starting process keep starting while the other process deploys version 2. Each start
        // notes whether the deployment had already returned before it began: those must all run version 2.
        var deployedBeforeStart = 0;
        var results = new System.Collections.Concurrent.ConcurrentBag<(bool AfterDeploy, int Version)>();
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            var afterDeployStarts = 0;
            while (afterDeployStarts < 5)
            {
                var after = Volatile.Read(ref deployedBeforeStart) == 1;
                var outcome = await Starter.Commands.StartAsync(new StartInstanceRequest(key));
                results.Add((after, outcome.ProcessVersion));
                afterDeployStarts += after ? 1 : 0;
            }
        })).ToList();

        await Deployer.Deployments.DeployAsync(new DeploymentRequest(null, [new("p.bpmn", Bpmn.SingleTask(key, taskName: "Second"))]));
        Volatile.Write(ref deployedBeforeStart, 1);
        await Task.WhenAll(clients);

        Assert.All(results.Where(r => r.AfterDeploy), r => Assert.Equal(2, r.Version));
        Assert.True(results.Count(r => r.AfterDeploy) >= 40);
        Assert.Equal(results.Count + 1, await Starter.ScalarAsync("SELECT count(*) FROM pf.instances WHERE definition_key = $1", key));
    }

    [Fact]
    public async Task A_deployment_in_the_same_process_is_used_by_the_next_start_and_an_unknown_key_is_still_refused()
    {
        var key = Unique("local");
        await Starter.Deployments.DeployAsync(new DeploymentRequest(null, [new("p.bpmn", Bpmn.SingleTask(key, taskName: "First"))]));
        Assert.Equal(1, (await Starter.Commands.StartAsync(new StartInstanceRequest(key))).ProcessVersion);
        await Starter.Deployments.DeployAsync(new DeploymentRequest(null, [new("p.bpmn", Bpmn.SingleTask(key, taskName: "Second"))]));
        Assert.Equal(2, (await Starter.Commands.StartAsync(new StartInstanceRequest(key))).ProcessVersion);

        // A given version still starts that version, cached or not; a missing one and an unknown key are clear errors.
        Assert.Equal(1, (await Starter.Commands.StartAsync(new StartInstanceRequest(key, Version: 1))).ProcessVersion);
        Assert.Equal(1, (await Deployer.Commands.StartAsync(new StartInstanceRequest(key, Version: 1))).ProcessVersion);
        var missing = await Assert.ThrowsAsync<NotFoundException>(() => Starter.Commands.StartAsync(new StartInstanceRequest(key, Version: 3)));
        Assert.Equal("definition.not-found", missing.Code);
        var unknown = await Assert.ThrowsAsync<NotFoundException>(() => Starter.Commands.StartAsync(new StartInstanceRequest(key + "_none")));
        Assert.Equal("definition.not-found", unknown.Code);
    }

    private static string Unique(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..20];
}
