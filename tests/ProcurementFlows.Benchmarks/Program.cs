if (args.FirstOrDefault() == "runtime")
{
    return await ProcurementFlows.Runtime.Benchmarks.RuntimeBenchmark.RunAsync(args[1..]);
}

Console.WriteLine("usage: dotnet run -c Release --project tests/ProcurementFlows.Benchmarks -- <suite>");
return 1;
