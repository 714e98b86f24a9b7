using ProcurementFlows.Benchmarks;

return BenchmarkCommand.Run(args);
