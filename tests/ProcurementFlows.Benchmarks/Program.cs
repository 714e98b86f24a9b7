using ProcurementFlows.Benchmarks;

// Suite "runtime" (PostgreSQL + Hangfire) lives in Runtime/; its options are documented there.
if (args.FirstOrDefault() == "runtime")
{
    return await ProcurementFlows.Runtime.Benchmarks.RuntimeBenchmark.RunAsync(args[1..]);
}

return BenchmarkCommand.Run(args);
