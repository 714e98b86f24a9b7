using System.Text;

namespace ProcurementFlows.Engine.Tests;

/// <summary>Compact helpers to write test diagrams as XML (no DI section needed: diagrams without bpmndi run).</summary>
internal static class Bpmn
{
    public const string Header =
        """<?xml version="1.0" encoding="UTF-8"?>""" + "\n" +
        """<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:pf="https://procurementflows.dev/schema/bpmn/1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs" targetNamespace="http://bpmn.io/schema/bpmn" exporter="Camunda Modeler" exporterVersion="5.0.0">""";

    /// <summary>Wraps a process body into definitions. <paramref name="globals"/> go before the process (messages, errors, escalations).</summary>
    public static string Definitions(string processBody, string globals = "", string id = "p", bool executable = true) =>
        Header + "\n" + globals + "\n" +
        $"""<bpmn:process id="{id}" isExecutable="{(executable ? "true" : "false")}">""" + "\n" +
        Prefix(processBody) + "\n</bpmn:process>\n</bpmn:definitions>\n";

    /// <summary>Adds the bpmn: prefix to unprefixed BPMN elements so test bodies stay short.</summary>
    public static string Prefix(string body)
    {
        var sb = new StringBuilder(body.Length + 256);
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            sb.Append(c);
            if (c == '<' && i + 1 < body.Length)
            {
                var n = body[i + 1];
                if (n == '/')
                {
                    sb.Append('/');
                    i++;
                    n = i + 1 < body.Length ? body[i + 1] : ' ';
                }

                if (char.IsLetter(n) && !HasPrefix(body, i + 1))
                {
                    sb.Append("bpmn:");
                }
            }
        }

        return sb.ToString();
    }

    private static bool HasPrefix(string s, int start)
    {
        for (var i = start; i < s.Length; i++)
        {
            var c = s[i];
            if (c == ':')
            {
                return true;
            }

            if (!char.IsLetterOrDigit(c) && c != '_' && c != '-' && c != '.')
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>A sequence flow with id <c>{from}_{to}</c> (or <paramref name="id"/>), optionally conditional.</summary>
    public static string Flow(string from, string to, string? condition = null, string? id = null)
    {
        id ??= $"{from}_{to}";
        return condition is null
            ? $"""<sequenceFlow id="{id}" sourceRef="{from}" targetRef="{to}"/>"""
            : $"""<sequenceFlow id="{id}" sourceRef="{from}" targetRef="{to}"><conditionExpression xsi:type="bpmn:tFormalExpression">{System.Security.SecurityElement.Escape(condition)}</conditionExpression></sequenceFlow>""";
    }

    /// <summary>Flows along a chain of ids.</summary>
    public static string Chain(params string[] ids)
    {
        var sb = new StringBuilder();
        for (var i = 0; i + 1 < ids.Length; i++)
        {
            sb.Append(Flow(ids[i], ids[i + 1])).Append('\n');
        }

        return sb.ToString();
    }

    public static CompiledProcess Compile(string xml, string key = "p")
    {
        var result = BpmnCompiler.Compile(xml);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.GetProcess(key);
    }
}
