using System.Text.Json.Nodes;

namespace ProcurementFlows.Engine.Expressions.FastPath;

/// <summary>
/// A node of the fast evaluator. <see cref="TryEvaluate"/> returns false ("bail out") whenever JavaScript
/// semantics would need something the fast path does not model (objects compared to primitives, unknown
/// variables, property access on null, methods...); the caller then evaluates the same expression with Jint,
/// which produces the canonical result or error. So the fast path only ever answers when it answers exactly
/// like Jint.
/// </summary>
internal abstract class FastNode
{
    public abstract bool TryEvaluate(IVariableScope scope, out FastValue value);
}

internal sealed class ConstantNode(FastValue constant) : FastNode
{
    public override bool TryEvaluate(IVariableScope scope, out FastValue value)
    {
        value = constant;
        return true;
    }
}

internal sealed class VariableNode(string name) : FastNode
{
    public string Name { get; } = name;

    public override bool TryEvaluate(IVariableScope scope, out FastValue value)
    {
        if (scope.TryGetVariable(Name, out var node))
        {
            return FastValue.TryFromNode(node, out value);
        }

        value = default;
        return false;
    }
}

/// <summary><c>execution.getVariable('x')</c>: like a variable read, but a missing variable is null (Camunda behaviour).</summary>
internal sealed class GetVariableNode(string name) : FastNode
{
    public override bool TryEvaluate(IVariableScope scope, out FastValue value)
    {
        if (scope.TryGetVariable(name, out var node))
        {
            return FastValue.TryFromNode(node, out value);
        }

        value = FastValue.Null;
        return true;
    }
}

internal sealed class HasVariableNode(string name) : FastNode
{
    public override bool TryEvaluate(IVariableScope scope, out FastValue value)
    {
        value = FastValue.FromBoolean(scope.TryGetVariable(name, out _));
        return true;
    }
}

internal sealed class MemberNode(FastNode target, string? name, FastNode? key) : FastNode
{
    // Names an object inherits from Object.prototype: reading one yields a function, which only Jint models.
    private static readonly HashSet<string> InheritedNames =
    [
        "constructor", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable", "toLocaleString", "toString",
        "valueOf", "__proto__", "__defineGetter__", "__defineSetter__", "__lookupGetter__", "__lookupSetter__",
    ];

    public override bool TryEvaluate(IVariableScope scope, out FastValue value)
    {
        value = default;
        if (!target.TryEvaluate(scope, out var obj))
        {
            return false;
        }

        string? propertyName = name;
        var index = -1;
        if (key is not null)
        {
            if (!key.TryEvaluate(scope, out var k))
            {
                return false;
            }

            if (k.Kind == FastKind.String)
            {
                propertyName = k.String;
            }
            else if (k.Kind == FastKind.Number && k.Number >= 0 && k.Number == Math.Floor(k.Number) && k.Number < int.MaxValue)
            {
                index = (int)k.Number;
            }
            else
            {
                return false;
            }
        }

        if (propertyName is not null && index < 0 && IsArrayIndex(propertyName, out var parsed))
        {
            index = parsed;
        }

        switch (obj.Kind)
        {
            case FastKind.Object:
                var o = (JsonObject)obj.Reference!;
                var prop = index >= 0 ? index.ToString(System.Globalization.CultureInfo.InvariantCulture) : propertyName!;
                if (o.TryGetPropertyValue(prop, out var node))
                {
                    return FastValue.TryFromNode(node, out value);
                }

                value = FastValue.Undefined;
                return !InheritedNames.Contains(prop);
            case FastKind.Array:
                var a = (JsonArray)obj.Reference!;
                if (index >= 0)
                {
                    if (index >= a.Count)
                    {
                        value = FastValue.Undefined;
                        return true;
                    }

                    return FastValue.TryFromNode(a[index], out value);
                }

                if (propertyName == "length")
                {
                    value = FastValue.FromNumber(a.Count);
                    return true;
                }

                return false;
            case FastKind.String:
                var s = obj.String;
                if (index >= 0)
                {
                    value = index < s.Length ? FastValue.FromString(s[index].ToString()) : FastValue.Undefined;
                    return true;
                }

                if (propertyName == "length")
                {
                    value = FastValue.FromNumber(s.Length);
                    return true;
                }

                return false;
            default:
                return false;
        }
    }

    private static bool IsArrayIndex(string text, out int index)
    {
        index = -1;
        if (text.Length is 0 or > 9 || (text.Length > 1 && text[0] == '0'))
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        index = int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        return true;
    }
}

internal enum FastUnary
{
    Not,
    Negate,
    Plus,
    TypeOf,
}

internal sealed class UnaryNode(FastUnary op, FastNode operand) : FastNode
{
    public override bool TryEvaluate(IVariableScope scope, out FastValue value)
    {
        if (op == FastUnary.TypeOf && operand is VariableNode v && !scope.TryGetVariable(v.Name, out _))
        {
            value = FastValue.FromString("undefined");
            return true;
        }

        value = default;
        if (!operand.TryEvaluate(scope, out var x))
        {
            return false;
        }

        switch (op)
        {
            case FastUnary.Not:
                value = FastValue.FromBoolean(!x.ToBoolean());
                return true;
            case FastUnary.Negate when x.TryToNumber(out var n):
                value = FastValue.FromNumber(-n);
                return true;
            case FastUnary.Plus when x.TryToNumber(out var n):
                value = FastValue.FromNumber(n);
                return true;
            case FastUnary.TypeOf:
                value = FastValue.FromString(x.Kind switch
                {
                    FastKind.Undefined => "undefined",
                    FastKind.Boolean => "boolean",
                    FastKind.Number => "number",
                    FastKind.String => "string",
                    _ => "object",
                });
                return true;
            default:
                return false;
        }
    }
}

internal enum FastLogical
{
    And,
    Or,
    Coalesce,
}

internal sealed class LogicalNode(FastLogical op, FastNode left, FastNode right) : FastNode
{
    public override bool TryEvaluate(IVariableScope scope, out FastValue value)
    {
        if (!left.TryEvaluate(scope, out value))
        {
            return false;
        }

        var takeLeft = op switch
        {
            FastLogical.And => !value.ToBoolean(),
            FastLogical.Or => value.ToBoolean(),
            _ => !value.IsNullish,
        };
        return takeLeft || right.TryEvaluate(scope, out value);
    }
}

internal sealed class ConditionalNode(FastNode test, FastNode consequent, FastNode alternate) : FastNode
{
    public override bool TryEvaluate(IVariableScope scope, out FastValue value)
    {
        if (!test.TryEvaluate(scope, out var t))
        {
            value = default;
            return false;
        }

        return (t.ToBoolean() ? consequent : alternate).TryEvaluate(scope, out value);
    }
}

internal enum FastBinary
{
    Equal,
    NotEqual,
    StrictEqual,
    StrictNotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Add,
    Subtract,
    Multiply,
    Divide,
    Remainder,
}

internal sealed class BinaryNode(FastBinary op, FastNode left, FastNode right) : FastNode
{
    public override bool TryEvaluate(IVariableScope scope, out FastValue value)
    {
        value = default;
        if (!left.TryEvaluate(scope, out var a) || !right.TryEvaluate(scope, out var b))
        {
            return false;
        }

        switch (op)
        {
            case FastBinary.StrictEqual:
                value = FastValue.FromBoolean(StrictEquals(a, b));
                return true;
            case FastBinary.StrictNotEqual:
                value = FastValue.FromBoolean(!StrictEquals(a, b));
                return true;
            case FastBinary.Equal or FastBinary.NotEqual:
                if (!TryLooseEquals(a, b, out var eq))
                {
                    return false;
                }

                value = FastValue.FromBoolean(eq == (op == FastBinary.Equal));
                return true;
            case FastBinary.Less or FastBinary.LessOrEqual or FastBinary.Greater or FastBinary.GreaterOrEqual:
                return TryCompare(op, a, b, out value);
            case FastBinary.Add:
                return TryAdd(a, b, out value);
            default:
                if (!a.TryToNumber(out var x) || !b.TryToNumber(out var y))
                {
                    return false;
                }

                value = FastValue.FromNumber(op switch
                {
                    FastBinary.Subtract => x - y,
                    FastBinary.Multiply => x * y,
                    FastBinary.Divide => x / y,
                    _ => x % y,
                });
                return true;
        }
    }

    private static bool StrictEquals(FastValue a, FastValue b)
    {
        if (a.Kind != b.Kind)
        {
            return false;
        }

        return a.Kind switch
        {
            FastKind.Undefined or FastKind.Null => true,
            FastKind.Boolean or FastKind.Number => a.Number == b.Number,
            FastKind.String => string.Equals(a.String, b.String, StringComparison.Ordinal),
            _ => ReferenceEquals(a.Reference, b.Reference),
        };
    }

    private static bool TryLooseEquals(FastValue a, FastValue b, out bool result)
    {
        if (a.Kind == b.Kind)
        {
            result = StrictEquals(a, b);
            return true;
        }

        if (a.IsNullish || b.IsNullish)
        {
            result = a.IsNullish && b.IsNullish;
            return true;
        }

        if (a.IsObject || b.IsObject)
        {
            // Object vs primitive needs ToPrimitive (valueOf/toString): Jint's job.
            result = false;
            return false;
        }

        // Remaining: boolean/number/string mixes compare numerically.
        if (!a.TryToNumber(out var x) || !b.TryToNumber(out var y))
        {
            result = false;
            return false;
        }

        result = x == y;
        return true;
    }

    private static bool TryCompare(FastBinary op, FastValue a, FastValue b, out FastValue value)
    {
        value = default;
        if (a.IsObject || b.IsObject)
        {
            return false;
        }

        bool r;
        if (a.Kind == FastKind.String && b.Kind == FastKind.String)
        {
            var c = string.CompareOrdinal(a.String, b.String);
            r = op switch
            {
                FastBinary.Less => c < 0,
                FastBinary.LessOrEqual => c <= 0,
                FastBinary.Greater => c > 0,
                _ => c >= 0,
            };
        }
        else
        {
            if (!a.TryToNumber(out var x) || !b.TryToNumber(out var y))
            {
                return false;
            }

            r = op switch
            {
                FastBinary.Less => x < y,
                FastBinary.LessOrEqual => x <= y,
                FastBinary.Greater => x > y,
                _ => x >= y,
            };
        }

        value = FastValue.FromBoolean(r);
        return true;
    }

    private static bool TryAdd(FastValue a, FastValue b, out FastValue value)
    {
        value = default;
        if (a.IsObject || b.IsObject)
        {
            return false;
        }

        if (a.Kind == FastKind.String || b.Kind == FastKind.String)
        {
            if (!a.TryToString(out var s) || !b.TryToString(out var t))
            {
                return false;
            }

            value = FastValue.FromString(string.Concat(s, t));
            return true;
        }

        if (!a.TryToNumber(out var x) || !b.TryToNumber(out var y))
        {
            return false;
        }

        value = FastValue.FromNumber(x + y);
        return true;
    }
}
