Console.WriteLine("usage: dotnet run -c Release --project tests/ProcurementFlows.Benchmarks -- <suite>");
