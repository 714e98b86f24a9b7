namespace ProcurementFlows.Engine.Tests.Parsing;

public class ValidationTests
{
    private const string Globals = """
        <bpmn:message id="Msg" name="order-received"/>
        <bpmn:error id="Err" errorCode="E1"/>
        <bpmn:escalation id="Esc" escalationCode="ESC"/>
        """;

    private static CompilationResult Compile(string body, bool executable = true) =>
        BpmnCompiler.Compile(Bpmn.Definitions(body, Globals, executable: executable));

    private static BpmnDiagnostic AssertError(CompilationResult r, string code, string elementId)
    {
        Assert.False(r.Succeeded);
        var d = Assert.Single(r.Diagnostics, d => d.Code == code && d.ElementId == elementId);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.NotNull(d.Line);
        Assert.True(d.Line > 1);
        Assert.NotNull(d.Column);
        return d;
    }

    public static TheoryData<string, string, string> Rules() => new()
    {
        { "<startEvent id=\"s\"/>" + Bpmn.Flow("s", "nowhere", id: "f1"), "flow.target-missing", "f1" },
        { "<startEvent id=\"s\"/><endEvent id=\"e\"/>" + Bpmn.Flow("ghost", "e", id: "f1"), "flow.source-missing", "f1" },
        { "<startEvent id=\"s\"/><exclusiveGateway id=\"g\"/>" + Bpmn.Flow("s", "g"), "gateway.no-outgoing", "g" },
        { "<startEvent id=\"s\"/><parallelGateway id=\"g\"/>" + Bpmn.Flow("s", "g"), "gateway.no-outgoing", "g" },
        { "<startEvent id=\"s\"/><exclusiveGateway id=\"g\"/><endEvent id=\"a\"/><endEvent id=\"b\"/>" + Bpmn.Flow("s", "g") + Bpmn.Flow("g", "a", "${x}") + Bpmn.Flow("g", "b"), "gateway.missing-condition", "g_b" },
        { "<startEvent id=\"s\"/><inclusiveGateway id=\"g\"/><endEvent id=\"a\"/><endEvent id=\"b\"/>" + Bpmn.Flow("s", "g") + Bpmn.Flow("g", "a") + Bpmn.Flow("g", "b", "${x}"), "gateway.missing-condition", "g_a" },
        { "<startEvent id=\"s\"/><intermediateCatchEvent id=\"t\"><timerEventDefinition id=\"td\"/></intermediateCatchEvent>" + Bpmn.Flow("s", "t"), "timer.no-definition", "t" },
        { "<startEvent id=\"s\"/><intermediateCatchEvent id=\"t\"><timerEventDefinition><timeDuration>soon</timeDuration></timerEventDefinition></intermediateCatchEvent>" + Bpmn.Flow("s", "t"), "timer.invalid", "t" },
        { "<startEvent id=\"s\"/><callActivity id=\"c\"/>" + Bpmn.Flow("s", "c"), "callActivity.no-called-element", "c" },
        { "<startEvent id=\"s\"/><userTask id=\"u\" camunda:assignee=\"${user +}\"/>" + Bpmn.Flow("s", "u"), "expression.syntax", "u" },
        { "<startEvent id=\"s\"/><exclusiveGateway id=\"g\" default=\"g_b\"/><endEvent id=\"a\"/><endEvent id=\"b\"/>" + Bpmn.Flow("s", "g") + Bpmn.Flow("g", "a", "${amount >>> }") + Bpmn.Flow("g", "b"), "expression.syntax", "g_a" },
        { "<startEvent id=\"s\"/><complexGateway id=\"cg\"/><endEvent id=\"e\"/>" + Bpmn.Flow("s", "cg") + Bpmn.Flow("cg", "e"), "unsupported.element", "cg" },
        { "<startEvent id=\"s\"/><intermediateThrowEvent id=\"sig\"><signalEventDefinition/></intermediateThrowEvent>" + Bpmn.Flow("s", "sig"), "unsupported.event-definition", "sig" },
        { "<startEvent id=\"s\"/><serviceTask id=\"svc\"/>" + Bpmn.Flow("s", "svc"), "activity.no-implementation", "svc" },
        { "<startEvent id=\"s\"/><serviceTask id=\"svc\" camunda:class=\"com.acme.Delegate\"/>" + Bpmn.Flow("s", "svc"), "unsupported.implementation", "svc" },
        { "<startEvent id=\"s\"/><serviceTask id=\"svc\" camunda:type=\"external\"/>" + Bpmn.Flow("s", "svc"), "serviceTask.no-topic", "svc" },
        { "<startEvent id=\"s\"/><scriptTask id=\"sc\" scriptFormat=\"groovy\"><script>x</script></scriptTask>" + Bpmn.Flow("s", "sc"), "scriptTask.unsupported-format", "sc" },
        { "<startEvent id=\"s\"/><scriptTask id=\"sc\" scriptFormat=\"javascript\"><script>let = ;</script></scriptTask>" + Bpmn.Flow("s", "sc"), "expression.syntax", "sc" },
        { "<startEvent id=\"s\"/><task id=\"t\"><multiInstanceLoopCharacteristics/></task>" + Bpmn.Flow("s", "t"), "multiInstance.no-cardinality", "t" },
        { "<startEvent id=\"s\"/><task id=\"t\"/><boundaryEvent id=\"b\" attachedToRef=\"missing\"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></boundaryEvent>" + Bpmn.Flow("s", "t"), "boundary.invalid-attachment", "b" },
        { "<startEvent id=\"s\"/><intermediateCatchEvent id=\"m\"><messageEventDefinition/></intermediateCatchEvent>" + Bpmn.Flow("s", "m"), "message.no-ref", "m" },
        { "<startEvent id=\"s\"/><intermediateCatchEvent id=\"m\"><messageEventDefinition messageRef=\"Nope\"/></intermediateCatchEvent>" + Bpmn.Flow("s", "m"), "message.unknown-ref", "m" },
        { "<startEvent id=\"s\"/><intermediateThrowEvent id=\"l\"><linkEventDefinition name=\"L1\"/></intermediateThrowEvent>" + Bpmn.Flow("s", "l"), "link.no-target", "l" },
        { "<startEvent id=\"s\"/><intermediateCatchEvent id=\"c\"/>" + Bpmn.Flow("s", "c"), "catch.no-definition", "c" },
        { "<startEvent id=\"s\"/><endEvent id=\"e\"><errorEventDefinition errorRef=\"Missing\"/></endEvent>" + Bpmn.Flow("s", "e"), "error.unknown-ref", "e" },
        { "<startEvent id=\"s\"/><task id=\"t\"/><task id=\"t\"/>" + Bpmn.Flow("s", "t", id: "f"), "bpmn.duplicate-id", "t" },
        { "<startEvent id=\"s\"/><exclusiveGateway id=\"g\" default=\"nope\"/><endEvent id=\"a\"/>" + Bpmn.Flow("s", "g") + Bpmn.Flow("g", "a"), "flow.default-not-outgoing", "g" },
        { "<task id=\"t\"/>", "process.no-start", "p" },
        { "<startEvent id=\"s\"/><subProcess id=\"sp\"><task id=\"in\"/></subProcess>" + Bpmn.Flow("s", "sp"), "subProcess.start-count", "sp" },
        { "<startEvent id=\"s\"/><task id=\"t\"/><endEvent id=\"e\"/>" + Bpmn.Flow("s", "t") + Bpmn.Flow("e", "t", id: "back"), "end.has-outgoing", "e" },
        { "<startEvent id=\"s\"/><eventBasedGateway id=\"g\"/><task id=\"t\"/>" + Bpmn.Flow("s", "g") + Bpmn.Flow("g", "t"), "eventGateway.invalid-target", "g_t" },
        { "<startEvent id=\"s\"/><subProcess id=\"esp\" triggeredByEvent=\"true\"><startEvent id=\"es\"/></subProcess>", "eventSubProcess.invalid-start", "es" },
        { "<startEvent id=\"s\"/><task id=\"t\"/><boundaryEvent id=\"b\" attachedToRef=\"t\" cancelActivity=\"false\"><errorEventDefinition/></boundaryEvent>" + Bpmn.Flow("s", "t"), "boundary.error-non-interrupting", "b" },
        { "<startEvent id=\"s\"/><userTask id=\"u\" camunda:priority=\"high\"/>" + Bpmn.Flow("s", "u"), "userTask.invalid-priority", "u" },
        { "<startEvent id=\"s\"/><serviceTask id=\"svc\" camunda:type=\"external\" camunda:topic=\"x\"><extensionElements><camunda:failedJobRetryTimeCycle>often</camunda:failedJobRetryTimeCycle></extensionElements></serviceTask>" + Bpmn.Flow("s", "svc"), "retry.invalid-cycle", "svc" },
        { "<startEvent id=\"s\"/><exclusiveGateway id=\"g\" default=\"g_b\"/><endEvent id=\"a\"/><endEvent id=\"b\"/>" + Bpmn.Flow("s", "g") + Bpmn.Flow("g", "a", "amount > 5") + Bpmn.Flow("g", "b"), "condition.not-expression", "g_a" },
        { "<startEvent id=\"s\"/><subProcess id=\"sp\"><startEvent id=\"ss\"/><endEvent id=\"se\"/>" + Bpmn.Flow("ss", "se") + "</subProcess><endEvent id=\"e\"/>" + Bpmn.Flow("s", "sp") + Bpmn.Flow("ss", "e", id: "cross"), "flow.crosses-scope", "cross" },
        { "<startEvent id=\"s\"/><task id=\"t\"><standardLoopCharacteristics/></task>" + Bpmn.Flow("s", "t"), "unsupported.standard-loop", "t" },
        { "<startEvent id=\"s\"/><bpmn:unknownThing id=\"u\"/>", "bpmn.unknown-element", "u" },
        { "<startEvent id=\"ts\"><timerEventDefinition><timeDate>${dueAt}</timeDate></timerEventDefinition></startEvent><endEvent id=\"e\"/>" + Bpmn.Flow("ts", "e"), "timer.start-needs-variables", "ts" },
        { "<startEvent id=\"ts\"><timerEventDefinition><timeCycle>R/${execution.getVariable('period')}</timeCycle></timerEventDefinition></startEvent><endEvent id=\"e\"/>" + Bpmn.Flow("ts", "e"), "timer.start-needs-variables", "ts" },
    };

    [Fact]
    public void A_timer_start_expression_without_variables_and_an_event_subprocess_timer_with_variables_are_valid()
    {
        var r = Compile("""
            <startEvent id="ts"><timerEventDefinition><timeDate>${dates.addDays(today(), 1)}</timeDate></timerEventDefinition></startEvent>
            <userTask id="u"/><endEvent id="e"/>
            <subProcess id="esp" triggeredByEvent="true">
              <startEvent id="es" isInterrupting="false"><timerEventDefinition><timeDuration>${reminder}</timeDuration></timerEventDefinition></startEvent>
              <endEvent id="ee"/>
            """ + Bpmn.Flow("es", "ee") + "</subProcess>" + Bpmn.Flow("ts", "u") + Bpmn.Flow("u", "e"));

        Assert.True(r.Succeeded, string.Join("; ", r.Diagnostics));
        Assert.DoesNotContain(r.Diagnostics, d => d.Code == "timer.start-needs-variables");
    }

    [Theory]
    [MemberData(nameof(Rules))]
    public void Rule_is_reported_as_error_with_element_and_line(string body, string code, string elementId)
    {
        AssertError(Compile(body), code, elementId);
    }

    [Theory]
    [MemberData(nameof(Rules))]
    public void Execution_rules_are_warnings_in_non_executable_processes(string body, string code, string elementId)
    {
        var r = Compile(body, executable: false);
        var d = Assert.Single(r.Diagnostics, d => d.Code == code && d.ElementId == elementId);
        var structural = code.StartsWith("flow.", StringComparison.Ordinal) || code.StartsWith("bpmn.duplicate", StringComparison.Ordinal) || code.StartsWith("boundary.invalid", StringComparison.Ordinal);
        Assert.Equal(structural ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, d.Severity);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var r = Compile("""
            <startEvent id="s"/>
            <exclusiveGateway id="g"/>
            <callActivity id="c"/>
            <intermediateCatchEvent id="t"><timerEventDefinition/></intermediateCatchEvent>
            """ + Bpmn.Flow("s", "g") + Bpmn.Flow("c", "ghost", id: "f9") + Bpmn.Flow("s", "t"));
        var codes = r.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Code).ToHashSet();
        Assert.Superset(new HashSet<string> { "gateway.no-outgoing", "callActivity.no-called-element", "timer.no-definition", "flow.target-missing" }, codes);
        Assert.Empty(r.Processes);
    }

    [Fact]
    public void Valid_diagram_has_no_diagnostics()
    {
        var r = Compile("<startEvent id=\"s\"/><userTask id=\"u\"/><endEvent id=\"e\"/>" + Bpmn.Chain("s", "u", "e"));
        Assert.True(r.Succeeded);
        Assert.Empty(r.Diagnostics);
        var p = Assert.Single(r.Processes);
        Assert.True(p.IsExecutable);
        Assert.Null(p.NotStartableReason);
    }

    [Fact]
    public void Non_executable_process_is_reported_as_info_and_not_startable()
    {
        var r = Compile("<startEvent id=\"s\"/>", executable: false);
        Assert.True(r.Succeeded);
        var d = Assert.Single(r.Diagnostics);
        Assert.Equal("process.not-executable", d.Code);
        Assert.Equal(DiagnosticSeverity.Info, d.Severity);
        Assert.False(r.Model.Processes[0].IsExecutable);
        Assert.NotNull(r.Processes[0].NotStartableReason);
    }

    [Fact]
    public void GetProcess_throws_validation_exception_with_all_diagnostics()
    {
        var r = Compile("<startEvent id=\"s\"/><callActivity id=\"c\"/>" + Bpmn.Flow("s", "c"));
        var ex = Assert.Throws<BpmnValidationException>(() => r.GetProcess("p"));
        Assert.Contains(ex.Diagnostics, d => d.Code == "callActivity.no-called-element");
        Assert.False(ex.IsRetryable);
    }

    [Fact]
    public void Compiled_process_exposes_metadata_for_the_server()
    {
        var r = Compile("""
            <startEvent id="s"/>
            <startEvent id="ms"><messageEventDefinition messageRef="Msg"/></startEvent>
            <startEvent id="ts"><timerEventDefinition><timeCycle>R/P1D</timeCycle></timerEventDefinition></startEvent>
            <userTask id="u" name="Approve" camunda:formKey="forms/approve" camunda:candidateGroups="buyers, lead" pf:notCompletedBy="initiator Task_A"/>
            <callActivity id="c" calledElement="child" camunda:calledElementBinding="version" camunda:calledElementVersion="3"/>
            """ + Bpmn.Chain("s", "u", "c") + Bpmn.Flow("ms", "u") + Bpmn.Flow("ts", "u"));
        var p = r.GetProcess("p");
        Assert.Equal("order-received", Assert.Single(p.MessageStartEvents).MessageName);
        var ts = Assert.Single(p.TimerStartEvents);
        Assert.Equal(TimerKind.Cycle, ts.Kind);
        Assert.Equal("R/P1D", ts.Expression);
        var call = Assert.Single(p.CallActivities);
        Assert.Equal(("child", "version", 3), (call.CalledElement, call.Binding, call.Version!.Value));
        var u = Assert.Single(p.UserTasks);
        Assert.Equal("forms/approve", u.FormKey);
        Assert.Equal(["buyers", "lead"], u.CandidateGroups);
        Assert.Equal(["initiator", "Task_A"], u.NotCompletedBy);
        Assert.Equal("userTask", p.GetElementType("u"));
        Assert.True(p.ContainsElement("c"));
        Assert.False(p.ContainsElement("zzz"));
    }

    [Fact]
    public void Camunda_form_data_and_properties_are_kept_without_error()
    {
        var r = Compile("""
            <startEvent id="s"/>
            <userTask id="u"><extensionElements>
              <camunda:formData><camunda:formField id="amount" type="long"/></camunda:formData>
              <camunda:properties><camunda:property name="k" value="v"/></camunda:properties>
            </extensionElements></userTask>
            """ + Bpmn.Flow("s", "u"));
        Assert.True(r.Succeeded, string.Join("\n", r.Diagnostics));
        Assert.Equal(1, r.Model.ElementCounts["extensionElements"]);
    }

    [Fact]
    public void Diagram_with_bpmndi_section_compiles_and_di_is_not_counted()
    {
        var xml = Bpmn.Definitions("<startEvent id=\"s\"/><endEvent id=\"e\"/>" + Bpmn.Flow("s", "e"))
            .Replace("</bpmn:definitions>", """
                <bpmndi:BPMNDiagram xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" id="d"><bpmndi:BPMNPlane id="pl" bpmnElement="p"/></bpmndi:BPMNDiagram>
                </bpmn:definitions>
                """, StringComparison.Ordinal);
        var r = BpmnCompiler.Compile(xml);
        Assert.True(r.Succeeded);
        Assert.False(r.Model.ElementCounts.ContainsKey("BPMNDiagram"));
    }
}
