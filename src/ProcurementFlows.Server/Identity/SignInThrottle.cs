using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace ProcurementFlows.Server.Identity;

/// <summary>Limits failed sign-ins per user name per minute so passwords cannot be guessed at speed.</summary>
internal sealed class SignInThrottle(IOptions<IdentityOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> failures = new(StringComparer.OrdinalIgnoreCase);

    public bool IsBlocked(string userName)
    {
        if (!failures.TryGetValue(userName, out var queue))
        {
            return false;
        }

        lock (queue)
        {
            Trim(queue);
            return queue.Count >= options.Value.Local.SignInAttemptsPerMinute;
        }
    }

    public void RecordFailure(string userName)
    {
        var queue = failures.GetOrAdd(userName, _ => new Queue<DateTimeOffset>());
        lock (queue)
        {
            Trim(queue);
            queue.Enqueue(time.GetUtcNow());
        }
    }

    private void Trim(Queue<DateTimeOffset> queue)
    {
        var cutoff = time.GetUtcNow().AddMinutes(-1);
        while (queue.Count > 0 && queue.Peek() < cutoff)
        {
            queue.Dequeue();
        }
    }
}
