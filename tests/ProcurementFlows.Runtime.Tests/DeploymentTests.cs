using ProcurementFlows.Engine;
using ProcurementFlows.Runtime.Tests.Infrastructure;

namespace ProcurementFlows.Runtime.Tests;

public sealed class DeploymentTests(RuntimeFixture fixture) : IClassFixture<RuntimeFixture>
{
    private IDeploymentService Deployments => fixture.Runtime.Deployments;

    private const string Form = """{ "id": "review-form", "type": "default", "components": [ { "type": "textfield", "key": "comment" } ] }""";

    [Fact]
    public async Task Several_files_deploy_together_and_identical_content_keeps_its_version()
    {
        var key = Unique("deploy");
        var request = new DeploymentRequest("first", [new(key + ".bpmn", Bpmn.SingleTask(key)), new(key + "-b.bpmn", Bpmn.SingleTask(key + "_b")), new("review.form", Form.Replace("review-form", key + "-form", StringComparison.Ordinal))], "alice");

        var first = await Deployments.DeployAsync(request);
        Assert.True(first.Changed);
        Assert.All(first.Definitions, d => Assert.Equal((1, true), (d.Version, d.IsNew)));
        Assert.Equal(2, first.Definitions.Count);
        Assert.Equal(key + "-form", Assert.Single(first.Forms).FormKey);

        var again = await Deployments.DeployAsync(request);
        Assert.False(again.Changed);
        Assert.All(again.Definitions, d => Assert.Equal((1, false), (d.Version, d.IsNew)));

        var stored = await Deployments.GetDefinitionAsync(key);
        Assert.NotNull(stored);
        Assert.Equal(1, stored.Version);
        Assert.Equal("alice", stored.DeployedBy);
        Assert.Contains("Task_Review", stored.BpmnXml, StringComparison.Ordinal);
        Assert.NotNull(await Deployments.GetFormAsync(key + "-form"));
    }

    [Fact]
    public async Task A_form_is_found_by_its_id_and_by_the_file_name_it_was_deployed_as()
    {
        var key = Unique("formfile");
        var file = key + "-review.form";
        var form = Form.Replace("review-form", key + "_Form_Review", StringComparison.Ordinal);
        await Deployments.DeployAsync(new DeploymentRequest(null, [new(key + ".bpmn", Bpmn.SingleTask(key)), new(file, form)]));

        var byId = await Deployments.GetFormAsync(key + "_Form_Review");
        var byFile = await Deployments.GetFormAsync(file);

        Assert.NotNull(byId);
        Assert.NotNull(byFile);
        Assert.Equal(byId.FormKey, byFile.FormKey);
        Assert.Equal(file, byFile.ResourceName);
        Assert.Null(await Deployments.GetFormAsync(key + "-missing.form"));
    }

    [Fact]
    public async Task A_changed_file_gets_the_next_version_and_the_unchanged_one_keeps_its_own()
    {
        var key = Unique("change");
        await Deployments.DeployAsync(new DeploymentRequest(null, [new("a.bpmn", Bpmn.SingleTask(key)), new("b.bpmn", Bpmn.SingleTask(key + "_other"))]));

        var result = await Deployments.DeployAsync(new DeploymentRequest(null, [new("a.bpmn", Bpmn.SingleTask(key, taskName: "Review again")), new("b.bpmn", Bpmn.SingleTask(key + "_other"))]));

        Assert.Equal((2, true), result.Definitions.Where(d => d.Key == key).Select(d => (d.Version, d.IsNew)).Single());
        Assert.Equal((1, false), result.Definitions.Where(d => d.Key == key + "_other").Select(d => (d.Version, d.IsNew)).Single());
        Assert.Equal(2, (await Deployments.GetDefinitionAsync(key))!.Version);
        Assert.Contains("Review again", (await Deployments.GetDefinitionAsync(key, 2))!.BpmnXml, StringComparison.Ordinal);
        Assert.DoesNotContain("Review again", (await Deployments.GetDefinitionAsync(key, 1))!.BpmnXml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_invalid_file_rejects_the_whole_deployment_with_every_diagnostic()
    {
        var key = Unique("atomic");
        var broken = Bpmn.SingleTask(key + "_broken").Replace("targetRef=\"End\"", "targetRef=\"Nowhere\"", StringComparison.Ordinal);
        var request = new DeploymentRequest(null, [new("good.bpmn", Bpmn.SingleTask(key)), new("broken.bpmn", broken), new("bad.form", "{ not json")]);

        var ex = await Assert.ThrowsAsync<DeploymentRejectedException>(() => Deployments.DeployAsync(request));

        Assert.Equal("deployment.invalid", ex.Code);
        Assert.Contains(ex.Diagnostics, d => d.ResourceName == "broken.bpmn" && d.Diagnostic.Severity == DiagnosticSeverity.Error);
        Assert.Contains(ex.Diagnostics, d => d.ResourceName == "bad.form" && d.Diagnostic.Code == "form.invalid");
        Assert.Null(await Deployments.GetDefinitionAsync(key));
    }

    [Theory]
    [InlineData("not xml at all")]
    [InlineData("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>")]
    [InlineData("<root/>")]
    public async Task Hostile_or_malformed_xml_is_rejected_and_nothing_is_stored(string xml)
    {
        var before = await Deployments.ListDefinitionsAsync(latestOnly: false);

        var ex = await Assert.ThrowsAsync<DeploymentRejectedException>(() => Deployments.DeployAsync(new DeploymentRequest(null, [new("x.bpmn", xml)])));

        Assert.Contains(ex.Diagnostics, d => d.Diagnostic.Severity == DiagnosticSeverity.Error);
        Assert.Equal(before.Count, (await Deployments.ListDefinitionsAsync(latestOnly: false)).Count);
    }

    [Fact]
    public async Task An_empty_deployment_or_an_unknown_file_type_is_rejected()
    {
        await Assert.ThrowsAsync<DeploymentRejectedException>(() => Deployments.DeployAsync(new DeploymentRequest(null, [])));
        var ex = await Assert.ThrowsAsync<DeploymentRejectedException>(() => Deployments.DeployAsync(new DeploymentRequest(null, [new("readme.txt", "hello")])));
        Assert.Contains(ex.Diagnostics, d => d.Diagnostic.Code == "deployment.unsupported-resource");
    }

    [Fact]
    public async Task A_workflow_folder_deploys_as_one_deployment()
    {
        var key = Unique("folder");
        var folder = Directory.CreateTempSubdirectory("pf-workflows-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "one.bpmn"), Bpmn.SingleTask(key));
            Directory.CreateDirectory(Path.Combine(folder, "forms"));
            await File.WriteAllTextAsync(Path.Combine(folder, "forms", "f.form"), Form.Replace("review-form", key + "-form", StringComparison.Ordinal));

            var first = await Deployments.DeployDirectoryAsync(folder);
            var second = await Deployments.DeployDirectoryAsync(folder);

            Assert.True(first.Changed);
            Assert.False(second.Changed);
            Assert.Equal("forms/f.form", Assert.Single(first.Forms).ResourceName);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    private static string Unique(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..20];
}
