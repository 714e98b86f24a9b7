using System.Diagnostics;

namespace ProcurementFlows.Benchmarks;

/// <summary>One timed iteration: operations done, elapsed time and bytes allocated on this thread.</summary>
internal readonly record struct Sample(long Operations, long Steps, TimeSpan Elapsed, long Bytes)
{
    public double OperationsPerSecond => Operations / Elapsed.TotalSeconds;

    public double StepsPerSecond => Steps / Elapsed.TotalSeconds;
}

/// <summary>A careful Stopwatch harness: warm-up, several iterations, median reported, allocations per thread.</summary>
internal static class Measurement
{
    /// <summary>Runs <paramref name="batch"/> (which returns the steps it did) repeatedly for about <paramref name="seconds"/> per iteration.</summary>
    public static IReadOnlyList<Sample> Measure(Func<int, long> batch, int batchSize, double seconds, int iterations = 5, double warmupSeconds = 1)
    {
        RunFor(batch, batchSize, warmupSeconds);
        var samples = new List<Sample>(iterations);
        for (var i = 0; i < iterations; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            samples.Add(RunFor(batch, batchSize, seconds));
        }

        return samples;
    }

    public static Sample Median(IReadOnlyList<Sample> samples) =>
        samples.OrderBy(s => s.OperationsPerSecond).ElementAt(samples.Count / 2);

    private static Sample RunFor(Func<int, long> batch, int batchSize, double seconds)
    {
        var budget = TimeSpan.FromSeconds(seconds);
        long operations = 0, steps = 0;
        var bytesBefore = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < budget)
        {
            steps += batch(batchSize);
            operations += batchSize;
        }

        watch.Stop();
        return new Sample(operations, steps, watch.Elapsed, GC.GetAllocatedBytesForCurrentThread() - bytesBefore);
    }
}
