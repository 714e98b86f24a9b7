using Microsoft.Extensions.Options;

namespace ProcurementFlows.Runtime;

/// <summary>Lets internal services read the validated options without IOptions plumbing everywhere.</summary>
internal sealed class ProcurementFlowsRuntimeOptionsAccessor(IOptions<ProcurementFlowsRuntimeOptions> options)
{
    public ProcurementFlowsRuntimeOptions Value => options.Value;
}
