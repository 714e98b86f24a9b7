using ProcurementFlows.Engine;
using ProcurementFlows.Server.Ocds;
using static ProcurementFlows.Workflows.Tests.Scenarios.CaseScenarioTests;

namespace ProcurementFlows.Workflows.Tests.Scenarios;

/// <summary>From signature to closeout, then the OCDS export of the very same case from its history.</summary>
public sealed class LifecycleScenarioTests
{
    private static readonly string[] AccountsPayable = ["accounts-payable"];

    [Fact]
    public void A_case_runs_from_requirement_to_closeout_and_exports_as_valid_ocds()
    {
        var (run, id) = ToAward(awardValue: 3_000_000);
        run.Complete("Task_AwardDecision", "ada", ["award-authority"], Award("approve"));
        run.Complete("Task_NotifyAward", "paula", ["procurement-officers"], Vars.Of(("awardNoticeDate", "2026-05-04T10:00Z"), ("noticeSentElectronically", true), ("unsuccessfulTenderersNotified", true)));
        run.FireTimer("Timer_StandstillEnds", id);
        run.Complete("Task_SignContract", "sigrid", ["signatories"], Contract());

        // delivery: a reminder five working days before the deadline, an escalation after it
        var delivery = run.Task("Task_ReceiveDelivery", id);
        Assert.Equal(new DateTimeOffset(2026, 7, 15, 0, 0, 0, TimeSpan.Zero), delivery.DueDate);
        Assert.Equal(new DateTimeOffset(2026, 7, 8, 0, 0, 0, TimeSpan.Zero), Assert.Single(run[id].Timers, t => t.ActivityId == "Timer_DeliveryReminder").DueAt);
        run.FireTimer("Timer_DeliveryReminder", id);
        Assert.DoesNotContain(run.Effects, e => e is UserTaskEscalated x && x.TaskId == delivery.Id);
        run.FireTimer("Timer_DeliveryOverdue", id);
        Assert.Contains(run.Effects, e => e is UserTaskEscalated x && x.TaskId == delivery.Id);
        run.Complete(delivery, "mona", ["contract-managers"], Vars.Of(("deliveryDate", "2026-07-17"), ("goodsReceiptNumber", "GR-881"), ("receivedQuantity", 12)));

        // GQA as a child process, with a non-conformity reworked
        var qa = Assert.Single(run.Instances, i => i.ProcessKey == "quality-assurance").InstanceId;
        Assert.Equal("FMA-C-2026-0042", (string?)run[qa].Variables["contractNumber"]);
        Assert.Equal("PF-2026-0042", run[qa].BusinessKey); // children carry the case number (inbox, search)
        QualityAssuranceScenarioTests.ToInspection(run, qa);
        run.Complete("Task_Inspect", "gunnar", QualityAssuranceScenarioTests.Gqa, QualityAssuranceScenarioTests.Inspection("nonconforming"), qa);
        run.Complete("Task_Disposition", "mona", ["contract-managers"], Vars.Of(("disposition", "rework"), ("rootCause", "Hatch welds")), qa);
        run.Deliver("rework-completed", null, qa);
        run.Complete("Task_Inspect", "gunnar", QualityAssuranceScenarioTests.Gqa, QualityAssuranceScenarioTests.Inspection("conforming"), qa);
        QualityAssuranceScenarioTests.AcceptWithCoc(run, qa);
        Assert.Equal("accepted", (string?)run[id].Variables["qaOutcome"]);

        // invoice: a mismatch first, then the corrected invoice matches
        run.Complete("Task_RegisterInvoice", "anna", AccountsPayable, Invoice(3_300_000));
        Assert.True(run[id].Variables.ContainsKey("threeWayMatch"), run.Describe());
        Assert.False((bool)run[id].Variables["threeWayMatch"]!["matched"]!);
        run.Complete("Task_ResolveDiscrepancy", "anna", AccountsPayable, Vars.Of(("discrepancyResolution", "corrected-invoice"), ("discrepancyNotes", "Price per contract")));
        run.Complete("Task_RegisterInvoice", "arne", AccountsPayable, Invoice(3_000_000));
        Assert.True((bool)run[id].Variables["threeWayMatch"]!["matched"]!);

        // the receiver and the invoice clerk cannot approve the payment
        var receiverError = Assert.Throws<CommandRejectedException>(() => run.Complete("Task_ApprovePayment", "mona", ["budget-holders"], Vars.Of(("paymentDecision", "approve"))));
        Assert.Equal("task.segregation-of-duties", receiverError.Code);
        run.Complete("Task_ApprovePayment", "bo", ["budget-holders"], Vars.Of(("paymentDecision", "approve")));
        run.Complete("Task_RecordPayment", "anna", AccountsPayable, Vars.Of(("paymentDate", "2026-08-20"), ("paidAmount", 3_000_000), ("paymentReference", "PAY-77812")));
        run.Complete("Task_Closeout", "mona", ["contract-managers"], Vars.Of(("finalContractValue", 3_000_000), ("supplierPerformance", "met"), ("recordsArchived", true)));

        Assert.Equal(InstanceStatus.Completed, run[id].Status);
        Assert.All(run.Instances, i => Assert.Equal(InstanceStatus.Completed, i.Status));

        var milestones = OcdsMilestones.FromHistory(run.History[id]);
        var package = new OcdsExporter(new OcdsExportOptions { OcidPrefix = "ocds-pf0001" })
            .Export(new OcdsCase("PF-2026-0042", run[id].Variables, milestones), run.Clock.GetUtcNow());
        Assert.Empty(OcdsSchema.Validate(package));
        Assert.Equal(
            ["planning", "tender", "award", "awardUpdate", "contract", "implementation", "implementationUpdate", "implementationUpdate", "contractTermination"],
            package["releases"]!.AsArray().Select(r => (string)r!["tag"]![0]!));
    }

    private static Dictionary<string, System.Text.Json.Nodes.JsonNode?> Invoice(long amount) => Vars.Of(
        ("invoiceNumber", $"INV-{amount}"), ("invoiceDate", "2026-07-25"), ("purchaseOrderNumber", "FMA-C-2026-0042"),
        ("invoiceAmount", amount), ("invoiceCurrency", "NOK"), ("invoicedQuantity", 12));
}
