namespace ProcurementFlows.Benchmarks;

/// <summary>Parses the command line and runs a suite; prints Markdown to stdout.</summary>
internal static class BenchmarkCommand
{
    private const string Usage = """
        usage: dotnet run -c Release --project tests/ProcurementFlows.Benchmarks -- <suite> [--seconds N] [--no-node]
          engine       in-memory engine throughput on the 20-step diagram, side by side with npm bpmn-engine
          expressions  condition evaluation cost (fast path and Jint)
        """;

    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 1 : 0;
        }

        var seconds = 1.0;
        var withNode = true;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--seconds" when i + 1 < args.Length && double.TryParse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture, out var s) && s > 0:
                    seconds = s;
                    i++;
                    break;
                case "--no-node":
                    withNode = false;
                    break;
                default:
                    Console.Error.WriteLine($"unknown option '{args[i]}'");
                    Console.Error.WriteLine(Usage);
                    return 1;
            }
        }

        if (!OperatingSystem.IsWindows() && System.Diagnostics.Debugger.IsAttached is false && IsDebugBuild())
        {
            Console.Error.WriteLine("warning: this is a Debug build; run with -c Release for meaningful numbers");
        }

        switch (args[0])
        {
            case "engine":
                EngineSuite.Run(seconds, withNode);
                return 0;
            case "expressions":
                ExpressionSuite.Run(seconds);
                return 0;
            default:
                Console.Error.WriteLine($"unknown suite '{args[0]}'");
                Console.Error.WriteLine(Usage);
                return 1;
        }
    }

    private static bool IsDebugBuild()
    {
#if DEBUG
        return true;
#else
        return false;
#endif
    }
}
