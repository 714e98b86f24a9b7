namespace ProcurementFlows.Engine.Execution;

internal sealed class Interpreter(CompiledProcess process, EngineOptions options, TimeProvider time)
{
    public EngineResult Execute(ProcessInstanceState? state, EngineCommand command) => throw new NotImplementedException($"{process}{options}{time}{state}{command}");
}
