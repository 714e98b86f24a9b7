using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ProcurementFlows.Engine.Expressions.FastPath;

internal enum FastKind : byte
{
    Undefined,
    Null,
    Boolean,
    Number,
    String,
    Object,
    Array,
}

/// <summary>A JavaScript value as the fast evaluator sees it: a primitive, or a JSON object/array by reference.</summary>
internal readonly struct FastValue
{
    private FastValue(FastKind kind, double number, object? reference)
    {
        Kind = kind;
        Number = number;
        Reference = reference;
    }

    public FastKind Kind { get; }

    public double Number { get; }

    public object? Reference { get; }

    public string String => (string)Reference!;

    public bool Boolean => Number != 0;

    public bool IsNullish => Kind <= FastKind.Null;

    public bool IsObject => Kind >= FastKind.Object;

    public static FastValue Undefined => default;

    public static FastValue Null => new(FastKind.Null, 0, null);

    public static FastValue True => new(FastKind.Boolean, 1, null);

    public static FastValue False => new(FastKind.Boolean, 0, null);

    public static FastValue FromBoolean(bool value) => value ? True : False;

    public static FastValue FromNumber(double value) => new(FastKind.Number, value, null);

    public static FastValue FromString(string value) => new(FastKind.String, 0, value);

    /// <summary>Converts a JSON variable value; false when the value has a shape the fast path does not model.</summary>
    public static bool TryFromNode(JsonNode? node, out FastValue value)
    {
        switch (node)
        {
            case null:
                value = Null;
                return true;
            case JsonObject:
                value = new FastValue(FastKind.Object, 0, node);
                return true;
            case JsonArray:
                value = new FastValue(FastKind.Array, 0, node);
                return true;
            case JsonValue v:
                return TryFromJsonValue(v, out value);
            default:
                value = Undefined;
                return false;
        }
    }

    private static bool TryFromJsonValue(JsonValue v, out FastValue value)
    {
        switch (v.GetValueKind())
        {
            case JsonValueKind.True:
                value = True;
                return true;
            case JsonValueKind.False:
                value = False;
                return true;
            case JsonValueKind.Null:
                value = Null;
                return true;
            case JsonValueKind.String when v.TryGetValue(out string? s):
                value = FromString(s);
                return true;
            case JsonValueKind.Number:
                if (v.TryGetValue(out double d) || TryNumber(v, out d))
                {
                    value = FromNumber(d);
                    return true;
                }

                break;
        }

        value = Undefined;
        return false;
    }

    private static bool TryNumber(JsonValue v, out double d)
    {
        if (v.TryGetValue(out int i))
        {
            d = i;
            return true;
        }

        if (v.TryGetValue(out long l))
        {
            d = l;
            return true;
        }

        if (v.TryGetValue(out decimal m))
        {
            d = (double)m;
            return true;
        }

        return double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out d);
    }

    /// <summary>JavaScript ToBoolean.</summary>
    public bool ToBoolean() => Kind switch
    {
        FastKind.Undefined or FastKind.Null => false,
        FastKind.Boolean => Boolean,
        FastKind.Number => Number != 0 && !double.IsNaN(Number),
        FastKind.String => String.Length != 0,
        _ => true,
    };

    /// <summary>JavaScript ToNumber for primitives; false for objects and strings the fast path does not parse.</summary>
    public bool TryToNumber(out double number)
    {
        switch (Kind)
        {
            case FastKind.Undefined:
                number = double.NaN;
                return true;
            case FastKind.Null:
                number = 0;
                return true;
            case FastKind.Boolean:
            case FastKind.Number:
                number = Number;
                return true;
            case FastKind.String:
                return TryStringToNumber(String, out number);
            default:
                number = 0;
                return false;
        }
    }

    /// <summary>JavaScript ToString for primitives; false for objects and numbers whose JS formatting differs from .NET's.</summary>
    public bool TryToString(out string text)
    {
        switch (Kind)
        {
            case FastKind.Undefined:
                text = "undefined";
                return true;
            case FastKind.Null:
                text = "null";
                return true;
            case FastKind.Boolean:
                text = Boolean ? "true" : "false";
                return true;
            case FastKind.String:
                text = String;
                return true;
            case FastKind.Number:
                return TryNumberToString(Number, out text);
            default:
                text = "";
                return false;
        }
    }

    public static bool TryNumberToString(double d, out string text)
    {
        if (double.IsNaN(d))
        {
            text = "NaN";
            return true;
        }

        if (double.IsInfinity(d))
        {
            text = d > 0 ? "Infinity" : "-Infinity";
            return true;
        }

        if (d == Math.Floor(d) && Math.Abs(d) < 1e15)
        {
            text = ((long)d).ToString(CultureInfo.InvariantCulture);
            return true;
        }

        // Both .NET "R" and JavaScript print the shortest round-trip digits; they differ only in exponent notation.
        text = d.ToString("R", CultureInfo.InvariantCulture);
        return text.IndexOf('E', StringComparison.Ordinal) < 0 && Math.Abs(d) >= 1e-6;
    }

    /// <summary>JavaScript StringToNumber for plain decimal text; false for hex/octal/binary/odd forms (left to Jint).</summary>
    public static bool TryStringToNumber(string s, out double number)
    {
        var t = s.AsSpan().Trim();
        if (t.IsEmpty)
        {
            number = 0;
            return true;
        }

        var i = 0;
        if (t[0] is '+' or '-')
        {
            i++;
        }

        var digits = 0;
        while (i < t.Length && char.IsAsciiDigit(t[i]))
        {
            i++;
            digits++;
        }

        if (i < t.Length && t[i] == '.')
        {
            i++;
            while (i < t.Length && char.IsAsciiDigit(t[i]))
            {
                i++;
                digits++;
            }
        }

        if (digits > 0 && i < t.Length && t[i] is 'e' or 'E')
        {
            i++;
            if (i < t.Length && t[i] is '+' or '-')
            {
                i++;
            }

            var expDigits = 0;
            while (i < t.Length && char.IsAsciiDigit(t[i]))
            {
                i++;
                expDigits++;
            }

            if (expDigits == 0)
            {
                number = 0;
                return false;
            }
        }

        if (digits == 0 || i != t.Length)
        {
            number = 0;
            return false;
        }

        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out number);
    }

    /// <summary>Converts the value to a JSON result (objects are deep-cloned so callers cannot alter the variables).</summary>
    public JsonNode? ToNode() => Kind switch
    {
        FastKind.Undefined or FastKind.Null => null,
        FastKind.Boolean => JsonValue.Create(Boolean),
        FastKind.Number => double.IsFinite(Number) ? JsonValue.Create(Number) : null,
        FastKind.String => JsonValue.Create(String),
        _ => ((JsonNode)Reference!).DeepClone(),
    };
}
