using Acornima;
using Acornima.Ast;
using ProcurementFlows.Engine.Expressions.Sandbox;

namespace ProcurementFlows.Engine.Expressions.FastPath;

/// <summary>
/// Compiles the common expression shapes (identifiers, literals, member access, comparisons, arithmetic,
/// <c>&amp;&amp;</c>/<c>||</c>/<c>??</c>, <c>!</c>, <c>?:</c>, <c>typeof</c>, <c>execution.getVariable('x')</c>)
/// into a <see cref="FastNode"/> tree. Anything else returns null and runs on Jint.
/// </summary>
internal static class FastCompiler
{
    private const int MaxDepth = 32;

    public static FastNode? TryCompile(Expression expression) => Compile(expression, 0);

    private static FastNode? Compile(Node node, int depth)
    {
        if (depth > MaxDepth)
        {
            return null;
        }

        var d = depth + 1;
        switch (node)
        {
            case NumericLiteral n:
                return new ConstantNode(FastValue.FromNumber(n.Value));
            case StringLiteral s:
                return new ConstantNode(FastValue.FromString(s.Value));
            case BooleanLiteral b:
                return new ConstantNode(FastValue.FromBoolean(b.Value));
            case NullLiteral:
                return new ConstantNode(FastValue.Null);
            case Identifier id:
                return id.Name switch
                {
                    "undefined" => new ConstantNode(FastValue.Undefined),
                    "NaN" => new ConstantNode(FastValue.FromNumber(double.NaN)),
                    "Infinity" => new ConstantNode(FastValue.FromNumber(double.PositiveInfinity)),
                    _ when SandboxGlobals.IsGlobal(id.Name) => null,
                    _ => new VariableNode(id.Name),
                };
            case MemberExpression { Optional: false } m:
                return CompileMember(m, d);
            case CallExpression { Optional: false } call:
                return CompileCall(call);
            case UnaryExpression u:
                return CompileUnary(u, d);
            case LogicalExpression l:
                return CompileLogical(l, d);
            case BinaryExpression b:
                return CompileBinary(b, d);
            case ConditionalExpression c:
                var test = Compile(c.Test, d);
                var yes = test is null ? null : Compile(c.Consequent, d);
                var no = yes is null ? null : Compile(c.Alternate, d);
                return no is null ? null : new ConditionalNode(test!, yes!, no);
            default:
                return null;
        }
    }

    private static FastNode? CompileMember(MemberExpression m, int depth)
    {
        var target = Compile(m.Object, depth);
        if (target is null)
        {
            return null;
        }

        if (!m.Computed)
        {
            return m.Property is Identifier p ? new MemberNode(target, p.Name, null) : null;
        }

        var key = Compile(m.Property, depth);
        return key is null ? null : new MemberNode(target, null, key);
    }

    private static FastNode? CompileCall(CallExpression call)
    {
        if (call.Callee is MemberExpression { Computed: false, Optional: false, Object: Identifier { Name: "execution" }, Property: Identifier method }
            && call.Arguments.Count == 1 && call.Arguments[0] is StringLiteral name)
        {
            return method.Name switch
            {
                "getVariable" => new GetVariableNode(name.Value),
                "hasVariable" => new HasVariableNode(name.Value),
                _ => null,
            };
        }

        return null;
    }

    private static FastNode? CompileUnary(UnaryExpression u, int depth)
    {
        FastUnary? op = u.Operator switch
        {
            Operator.LogicalNot => FastUnary.Not,
            Operator.UnaryNegation => FastUnary.Negate,
            Operator.UnaryPlus => FastUnary.Plus,
            Operator.TypeOf => FastUnary.TypeOf,
            _ => null,
        };
        if (op is null)
        {
            return null;
        }

        var operand = Compile(u.Argument, depth);
        return operand is null ? null : new UnaryNode(op.Value, operand);
    }

    private static FastNode? CompileLogical(LogicalExpression l, int depth)
    {
        FastLogical? op = l.Operator switch
        {
            Operator.LogicalAnd => FastLogical.And,
            Operator.LogicalOr => FastLogical.Or,
            Operator.NullishCoalescing => FastLogical.Coalesce,
            _ => null,
        };
        var left = op is null ? null : Compile(l.Left, depth);
        var right = left is null ? null : Compile(l.Right, depth);
        return right is null ? null : new LogicalNode(op!.Value, left!, right);
    }

    private static FastNode? CompileBinary(BinaryExpression b, int depth)
    {
        FastBinary? op = b.Operator switch
        {
            Operator.Equality => FastBinary.Equal,
            Operator.Inequality => FastBinary.NotEqual,
            Operator.StrictEquality => FastBinary.StrictEqual,
            Operator.StrictInequality => FastBinary.StrictNotEqual,
            Operator.LessThan => FastBinary.Less,
            Operator.LessThanOrEqual => FastBinary.LessOrEqual,
            Operator.GreaterThan => FastBinary.Greater,
            Operator.GreaterThanOrEqual => FastBinary.GreaterOrEqual,
            Operator.Addition => FastBinary.Add,
            Operator.Subtraction => FastBinary.Subtract,
            Operator.Multiplication => FastBinary.Multiply,
            Operator.Division => FastBinary.Divide,
            Operator.Remainder => FastBinary.Remainder,
            _ => null,
        };
        var left = op is null ? null : Compile(b.Left, depth);
        var right = left is null ? null : Compile(b.Right, depth);
        return right is null ? null : new BinaryNode(op!.Value, left!, right);
    }
}
