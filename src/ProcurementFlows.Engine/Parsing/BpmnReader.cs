namespace ProcurementFlows.Engine.Parsing;

internal sealed class BpmnReader(BpmnParserOptions options)
{
    public CompilationResult Read(TextReader text) => throw new NotImplementedException(options.ToString() + text);
}
