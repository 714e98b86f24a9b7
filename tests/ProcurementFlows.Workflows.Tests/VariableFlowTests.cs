using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ProcurementFlows.Workflows.Tests;

/// <summary>
/// Static data flow over every shipped diagram and form: each variable an expression, script or mapping reads is set
/// by a form, a mapping, a script, a registry handler, a message or a documented start variable; and each form field
/// is read by a process or the OCDS export, or is declared as a record kept only for the audit trail.
/// </summary>
public sealed partial class VariableFlowTests
{
    /// <summary>Start variables of <c>procurement-case</c> and <c>supplier-vetting</c> (workflows/README.md, "Process variables").</summary>
    private static readonly HashSet<string> StartVariables =
    [
        "sectionHeadLimit", "directorLimit", "dualApprovalLimit", "minimumEvaluators", "standstillDays", "invoiceTolerance",
        "minimumTenderDays", "businessCalendar", "registryDeadline", "espdReminderDays", "espdDeadlineDays", "supplier",
    ];

    /// <summary>Variables that messages carry (workflows/README.md, "Messages") and the registry handlers' result.</summary>
    private static readonly HashSet<string> MessageAndHandlerVariables = ["question", "reviewBody", "selfDeclaration", "reworkReport", "findings"];

    /// <summary>What the engine and the expression sandbox provide.</summary>
    private static readonly HashSet<string> BuiltIns =
    [
        "businessKey", "initiator", "processInstanceId", "execution", "nrOfInstances", "nrOfActiveInstances", "nrOfCompletedInstances",
        "loopCounter", "now", "today", "dates", "bizdays", "addBusinessDays", "businessDaysBetween", "Math", "String", "Number",
        "Array", "JSON", "Object", "Boolean", "Date", "NaN", "Infinity", "isNaN",
    ];

    private static readonly HashSet<string> Keywords =
    [
        "var", "let", "const", "function", "return", "if", "else", "typeof", "true", "false", "null", "new", "this", "in", "of",
        "for", "while", "instanceof", "undefined", "void", "delete",
    ];

    /// <summary>
    /// Fields that no process reads: references, comments and attestations kept in the task's completion record (history)
    /// for the audit trail. A field listed here that a process starts to read fails the test, so the list stays honest.
    /// </summary>
    private static readonly HashSet<string> AuditRecords =
    [
        "awardDecisionComment", "answer", "finalContractValue", "supplierPerformance", "lessonsLearned",
        "recordsArchived", "cocNumber", "cocNotes", "concessionConditions", "conflictDetails", "confidentialityUndertaking",
        "orderedQuantity", "evaluationReport", "exportLicenceReference", "endUserCertificateReceived", "exportControlNotes",
        "goodsReceiptNumber", "deliveryNote", "aqapRequirements", "inspectionPoints", "gqaResponseNotes",
        "inspectionDate", "nonconformities", "inspectionReport", "discrepancyResolution", "discrepancyNotes", "invoiceNumber",
        "invoiceDate", "purchaseOrderNumber", "ncageSource", "paymentComment", "rejectedDeliveryNotes", "approvalComment",
        "neededBy", "reviewReference", "reviewSummary", "facilityClearanceLevel", "clearanceReference", "clearanceValidUntil",
        "strategyComment", "evaluationNotes", "clearedEntityIds", "complianceRationale", "secondReviewComment",
        "contractNoticeReference", "selectionCriteria", "numberOfRequests", "shortlistRationale", "lots", "evaluationCriteria",
        "question", "reviewBody", "acceptanceDate", "acceptedQuantity", "deliverable", "riskLevel", "gqaProvider", "supplierNation",
        "riskAssessment", "marketResearchSummary", "rootCause", "securityRequirements", "acceptanceNotes", "correctiveAction",
        "openingMinutes", "publishedOnDoffin",
    ];

    [Fact]
    public void Every_variable_a_process_reads_is_set_by_a_form_a_mapping_a_script_a_message_or_a_start_variable()
    {
        var set = SetVariables();
        var missing = new List<string>();
        foreach (var bpmn in RepositoryPaths.ProcessFiles.Select(Bpmn.Load))
        {
            foreach (var (element, read) in Reads(bpmn))
            {
                if (!set.Contains(read))
                {
                    missing.Add($"{bpmn.Name}: {element} reads {read}, which nothing sets");
                }
            }
        }

        Assert.True(missing.Count == 0, string.Join(Environment.NewLine, missing.Distinct()));
    }

    [Fact]
    public void Every_form_field_is_read_by_a_process_or_the_ocds_export_or_is_an_audit_record()
    {
        var read = RepositoryPaths.ProcessFiles.Select(Bpmn.Load).SelectMany(b => Reads(b, passthrough: false).Select(r => r.Variable)).ToHashSet(StringComparer.Ordinal);
        read.UnionWith(OcdsReads());
        var unused = new List<string>();
        foreach (var (form, key) in FormFields())
        {
            if (!read.Contains(key) && !AuditRecords.Contains(key))
            {
                unused.Add($"{form}: {key} is read by nothing (use it, remove it, or declare it an audit record)");
            }
        }

        Assert.True(unused.Count == 0, string.Join(Environment.NewLine, unused));
        var stale = AuditRecords.Where(read.Contains).ToArray();
        Assert.True(stale.Length == 0, "read by a process, so not only an audit record: " + string.Join(", ", stale));
        var gone = AuditRecords.Except(FormFields().Select(f => f.Key)).ToArray();
        Assert.True(gone.Length == 0, "no form has these fields any more: " + string.Join(", ", gone));
    }

    [Fact]
    public void Form_expressions_read_variables_the_processes_set_with_the_members_they_compute()
    {
        // FEEL in the forms (dynamic minimums, refusal texts, conditions) must name what the processes produce, e.g.
        // =procedureRules.tenderMinimumDays needs an output parameter procedureRules that computes tenderMinimumDays
        var set = SetVariables();
        var outputs = RepositoryPaths.ProcessFiles.Select(Bpmn.Load).SelectMany(b => b.Document.Descendants(Bpmn.Camunda + "outputParameter"))
            .ToLookup(o => (string)o.Attribute("name")!, o => o.Value, StringComparer.Ordinal);
        var checkedMembers = 0;
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.Workflows, "*.form"))
        {
            var form = JsonNode.Parse(File.ReadAllText(file))!;
            var keys = FormFields().Where(f => f.Form == Path.GetFileName(file)).Select(f => f.Key).ToHashSet(StringComparer.Ordinal);
            foreach (var feel in Feel(form))
            {
                foreach (Match m in FeelPath().Matches(StringLiteral().Replace(feel, "\"\"")))
                {
                    var variable = m.Groups[1].Value;
                    if (FeelKeywords.Contains(variable))
                    {
                        continue;
                    }

                    Assert.True(set.Contains(variable) || keys.Contains(variable), $"{Path.GetFileName(file)}: {feel} reads {variable}, which nothing sets");
                    if (m.Groups[2].Success && outputs[variable].Any())
                    {
                        checkedMembers++;
                        Assert.True(outputs[variable].Any(o => o.Contains(m.Groups[2].Value + ":", StringComparison.Ordinal)),
                            $"{Path.GetFileName(file)}: {variable}.{m.Groups[2].Value} is not computed by the output parameter {variable}");
                    }
                }
            }
        }

        Assert.True(checkedMembers >= 6, "the minimum-period and refusal expressions of the forms were checked");
    }

    [Fact]
    public void The_reader_finds_reads_and_ignores_locals_strings_and_object_keys()
    {
        var names = Identifiers("${(function () { var x = a.b + 'c d'; return { e: x, f: g(function (h) { return h.i; }) }; })()}").ToArray();
        Assert.Equal(["a", "g"], names.Order(StringComparer.Ordinal));
    }

    private static HashSet<string> SetVariables()
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        set.UnionWith(StartVariables);
        set.UnionWith(MessageAndHandlerVariables);
        set.UnionWith(BuiltIns);
        set.UnionWith(FormFields().Select(f => f.Key));
        foreach (var bpmn in RepositoryPaths.ProcessFiles.Select(Bpmn.Load))
        {
            foreach (var e in bpmn.Document.Descendants())
            {
                if (e.Name == Bpmn.Camunda + "inputParameter" || e.Name == Bpmn.Camunda + "outputParameter")
                {
                    set.Add((string)e.Attribute("name")!);
                }
                else if ((e.Name == Bpmn.Camunda + "in" || e.Name == Bpmn.Camunda + "out") && e.Attribute("target") is { } target)
                {
                    set.Add(target.Value);
                }

                if (e.Attribute(Bpmn.Camunda + "resultVariable") is { } result)
                {
                    set.Add(result.Value);
                }

                if (e.Attribute(Bpmn.Camunda + "elementVariable") is { } element)
                {
                    set.Add(element.Value);
                }
            }
        }

        return set;
    }

    private static IEnumerable<(string Element, string Variable)> Reads(Bpmn bpmn, bool passthrough = true)
    {
        foreach (var e in bpmn.Process.Descendants())
        {
            var owner = (string?)e.AncestorsAndSelf().FirstOrDefault(a => a.Attribute("id") is not null)?.Attribute("id") ?? bpmn.Name;
            var texts = e.Attributes().Where(a => a.Value.Contains("${", StringComparison.Ordinal)).Select(a => a.Value).ToList();
            if (e.Elements().Any() is false && e.Value.Contains("${", StringComparison.Ordinal))
            {
                // an output parameter that only copies a form field out of its task (same name) moves data, it does not use it
                var copy = e.Name == Bpmn.Camunda + "outputParameter" && Identifiers(e.Value).Distinct().SequenceEqual([(string)e.Attribute("name")!]);
                if (passthrough || !copy)
                {
                    texts.Add(e.Value);
                }
            }

            if (e.Name == Bpmn.Model + "script")
            {
                texts.Add("${" + e.Value + "}");
            }

            if ((e.Name == Bpmn.Camunda + "in" || e.Name == Bpmn.Camunda + "out") && e.Attribute("source") is { } source)
            {
                // a call activity's out mapping reads the child's variable: it is set in the child process
                texts.Add("${" + source.Value + "}");
            }

            foreach (var name in texts.SelectMany(Identifiers))
            {
                yield return (owner, name);
            }
        }
    }

    /// <summary>Free identifiers of the <c>${...}</c> parts of a text: no locals, string contents, member names or object keys.</summary>
    internal static IEnumerable<string> Identifiers(string text)
    {
        foreach (Match expression in ExpressionPart().Matches(text))
        {
            var code = StringLiteral().Replace(expression.Groups[1].Value, "''");
            var locals = new HashSet<string>(StringComparer.Ordinal);
            foreach (Match m in FunctionParameters().Matches(code))
            {
                locals.UnionWith(m.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            }

            foreach (Match m in Declaration().Matches(code))
            {
                locals.Add(m.Groups[1].Value);
            }

            foreach (Match m in Identifier().Matches(code))
            {
                var name = m.Groups[1].Value;
                if (!Keywords.Contains(name) && !locals.Contains(name))
                {
                    yield return name;
                }
            }
        }
    }

    private static IEnumerable<(string Form, string Key)> FormFields()
    {
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.Workflows, "*.form").Order(StringComparer.Ordinal))
        {
            var form = JsonNode.Parse(File.ReadAllText(file))!;
            foreach (var component in form["components"]!.AsArray().OfType<JsonObject>())
            {
                // top-level keys and dynamic-list paths are process variables; keys inside a dynamic list are item fields
                if (((string?)component["key"] ?? (string?)component["path"]) is { } key)
                {
                    yield return (Path.GetFileName(file), key);
                }
            }
        }
    }

    private static readonly HashSet<string> FeelKeywords = ["if", "then", "else", "not", "and", "or", "null", "true", "false", "string", "join", "count"];

    private static IEnumerable<string> Feel(JsonNode node) => node switch
    {
        JsonObject o => o.SelectMany(p => p.Value is null ? [] : Feel(p.Value)),
        JsonArray a => a.OfType<JsonNode>().SelectMany(Feel),
        JsonValue v when v.TryGetValue<string>(out var text) && text.StartsWith('=') => [text[1..]],
        _ => [],
    };

    private static IEnumerable<string> OcdsReads()
    {
        var ocds = Path.Combine(RepositoryPaths.RepositoryRoot, "src", "ProcurementFlows.Server", "Ocds");
        return Directory.EnumerateFiles(ocds, "*.cs").SelectMany(f => QuotedName().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value));
    }

    [GeneratedRegex(@"\$\{(.*)\}", RegexOptions.Singleline)]
    private static partial Regex ExpressionPart();

    [GeneratedRegex(@"'(?:[^'\\]|\\.)*'|""(?:[^""\\]|\\.)*""")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"function\s*\w*\s*\(([^)]*)\)")]
    private static partial Regex FunctionParameters();

    [GeneratedRegex(@"\b(?:var|let|const)\s+([A-Za-z_$][\w$]*)")]
    private static partial Regex Declaration();

    // not after a dot (member), not before a single colon (object key); '?' ... ':' ternaries may hide a read, never invent one
    [GeneratedRegex(@"(?<![.\w$])([A-Za-z_$][\w$]*)(?![\w$])(?!\s*:(?!:))")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"(?<![.\w])([A-Za-z]\w*)(?:\.(\w+))?")]
    private static partial Regex FeelPath();

    [GeneratedRegex(@"""([a-z][A-Za-z]+)""")]
    private static partial Regex QuotedName();
}
