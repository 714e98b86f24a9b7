using Jint;

namespace ProcurementFlows.Engine.Expressions.Sandbox;

/// <summary>Thrown inside the sandbox when a limit is hit; the CLR exception bypasses script try/catch.</summary>
internal sealed class SandboxLimitException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

/// <summary>
/// Statement budget and wall-clock budget (through <see cref="TimeProvider"/>) for one evaluation. Disabled
/// while the sandbox sets itself up.
/// </summary>
internal sealed class SandboxConstraint(TimeProvider timeProvider) : Constraint
{
    private int _count;
    private long _started;

    public bool Enabled { get; set; }

    public int MaxStatements { get; set; } = int.MaxValue;

    public TimeSpan Timeout { get; set; } = TimeSpan.MaxValue;

    public override bool IsAmortizable => false;

    public override void Check()
    {
        if (!Enabled)
        {
            return;
        }

        if (++_count > MaxStatements)
        {
            throw new SandboxLimitException(ExpressionErrorCodes.StatementLimit, $"executed more than {MaxStatements} statements");
        }

        // Reading the clock costs more than counting, so it is read every 64 statements.
        if ((_count & 63) == 0)
        {
            CheckTime();
        }
    }

    public void CheckTime()
    {
        if (Enabled && timeProvider.GetElapsedTime(_started) > Timeout)
        {
            throw new SandboxLimitException(ExpressionErrorCodes.Timeout, $"ran longer than {Timeout.TotalMilliseconds:0} ms");
        }
    }

    public override void Reset()
    {
        _count = 0;
        _started = timeProvider.GetTimestamp();
    }
}
