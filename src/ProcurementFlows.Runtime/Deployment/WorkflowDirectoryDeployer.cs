namespace ProcurementFlows.Runtime;

/// <summary>Deploys a folder of <c>*.bpmn</c>, <c>*.bpmn20.xml</c> and <c>*.form</c> files as one atomic deployment.</summary>
public static class WorkflowDirectoryDeployer
{
    /// <summary>
    /// Reads every diagram and form under <paramref name="directory"/> (recursively; resource names are
    /// paths relative to it) and deploys them together. Unchanged files keep their version.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="DeploymentRejectedException">A file is invalid; nothing is stored.</exception>
    public static async Task<DeploymentResult> DeployDirectoryAsync(this IDeploymentService deployments, string directory, string? deployedBy = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deployments);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The workflows folder '{Path.GetFullPath(directory)}' does not exist.");
        }

        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".bpmn", StringComparison.OrdinalIgnoreCase)
                || f.EndsWith(".bpmn20.xml", StringComparison.OrdinalIgnoreCase)
                || f.EndsWith(".form", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
        {
            return new DeploymentResult(null, [], [], []);
        }

        var resources = new List<DeploymentResource>();
        foreach (var file in files)
        {
            var name = Path.GetRelativePath(directory, file).Replace('\\', '/');
            resources.Add(new DeploymentResource(name, await File.ReadAllTextAsync(file, cancellationToken)));
        }

        return await deployments.DeployAsync(new DeploymentRequest(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory))), resources, deployedBy, directory), cancellationToken);
    }
}
