using System.Globalization;
using System.Text.Json.Nodes;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using ProcurementFlows.Engine.Expressions.FastPath;
using JintEngine = Jint.Engine;

namespace ProcurementFlows.Engine.Expressions.Sandbox;

/// <summary>Converts variables (JSON) into JavaScript values and results back, with depth and size limits.</summary>
internal static class JsonConversion
{
    public const int MaxDepth = 64;
    public const int MaxNodes = 200_000;

    public static JsValue ToJs(JintEngine engine, JsonNode? node)
    {
        var budget = MaxNodes;
        return ToJs(engine, node, 0, ref budget);
    }

    private static JsValue ToJs(JintEngine engine, JsonNode? node, int depth, ref int budget)
    {
        if (depth > MaxDepth || --budget < 0)
        {
            throw new SandboxLimitException(ExpressionErrorCodes.MemoryLimit, "a variable is too large or too deeply nested to pass to JavaScript");
        }

        switch (node)
        {
            case null:
                return JsValue.Null;
            case JsonObject o:
                var obj = new JsObject(engine);
                foreach (var (key, value) in o)
                {
                    // CreateDataProperty defines an own property, so a "__proto__" key cannot change the prototype.
                    obj.CreateDataProperty(key, ToJs(engine, value, depth + 1, ref budget));
                }

                return obj;
            case JsonArray a:
                var items = new JsValue[a.Count];
                for (var i = 0; i < items.Length; i++)
                {
                    items[i] = ToJs(engine, a[i], depth + 1, ref budget);
                }

                return new JsArray(engine, items);
            default:
                if (!FastValue.TryFromNode(node, out var v))
                {
                    return new JsString(node.ToJsonString());
                }

                return v.Kind switch
                {
                    FastKind.Boolean => v.Boolean ? JsBoolean.True : JsBoolean.False,
                    FastKind.Number => JsNumber.Create(v.Number),
                    FastKind.String => new JsString(v.String),
                    _ => JsValue.Null,
                };
        }
    }

    /// <summary>Converts a result; only data properties are read, so no script runs during conversion.</summary>
    public static JsonNode? FromJs(JsValue value)
    {
        var budget = MaxNodes;
        return FromJs(value, 0, ref budget);
    }

    private static JsonNode? FromJs(JsValue value, int depth, ref int budget)
    {
        if (depth > MaxDepth || --budget < 0)
        {
            throw new SandboxLimitException(ExpressionErrorCodes.UnsupportedResult, "the result is too large or too deeply nested (or cyclic)");
        }

        if (value.IsUndefined() || value.IsNull())
        {
            return null;
        }

        if (value.IsBoolean())
        {
            return JsonValue.Create(value.AsBoolean());
        }

        if (value.IsNumber())
        {
            var d = value.AsNumber();
            return double.IsFinite(d) ? JsonValue.Create(d) : null;
        }

        if (value.IsString())
        {
            return JsonValue.Create(value.AsString());
        }

        if (value is JsDate date)
        {
            return double.IsNaN(date.DateValue) ? null : JsonValue.Create(FormatDate(date));
        }

        if (value is not ObjectInstance obj || obj.GetType().Name.Contains("Proxy", StringComparison.Ordinal))
        {
            throw new SandboxLimitException(ExpressionErrorCodes.UnsupportedResult, $"a {value.Type} cannot be converted to JSON");
        }

        if (obj is JsArray array)
        {
            var result = new JsonArray();
            var length = array.Length;
            for (uint i = 0; i < length; i++)
            {
                var desc = array.GetOwnProperty(i);
                var item = desc.IsDataDescriptor() ? desc.Value : JsValue.Undefined;
                result.Add(item is ObjectInstance and not JsArray and not JsDate && item.IsCallable() ? null : FromJs(item, depth + 1, ref budget));
            }

            return result;
        }

        if (obj.IsCallable())
        {
            throw new SandboxLimitException(ExpressionErrorCodes.UnsupportedResult, "a function cannot be converted to JSON");
        }

        var json = new JsonObject();
        foreach (var (key, desc) in obj.GetOwnProperties())
        {
            if (!key.IsString() || !desc.Enumerable || !desc.IsDataDescriptor() || desc.Value.IsUndefined() || desc.Value.IsCallable())
            {
                continue;
            }

            json[key.AsString()] = FromJs(desc.Value, depth + 1, ref budget);
        }

        return json;
    }

    public static string FormatDate(JsDate date) =>
        DateTimeOffset.FromUnixTimeMilliseconds((long)date.DateValue).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
