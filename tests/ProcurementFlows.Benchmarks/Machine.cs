using System.Runtime.InteropServices;

namespace ProcurementFlows.Benchmarks;

/// <summary>What the numbers were measured on.</summary>
internal static class Machine
{
    public static string Describe()
    {
        var cpu = RuntimeInformation.ProcessArchitecture.ToString();
        if (File.Exists("/proc/cpuinfo"))
        {
            var model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (model is not null)
            {
                cpu = model[(model.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
            }
        }

        var load = File.Exists("/proc/loadavg") ? $", load average {string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3))}" : "";
        return $"{cpu}, {Environment.ProcessorCount} cores{load}; {RuntimeInformation.OSDescription}; .NET {Environment.Version}; " +
               $"{TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC";
    }
}
