using System.Globalization;
using System.Text.Json.Nodes;
using Acornima.Ast;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Descriptors;
using Jint.Runtime.Interop;
using ProcurementFlows.Engine.Calendar;
using JintEngine = Jint.Engine;

namespace ProcurementFlows.Engine.Expressions.Sandbox;

/// <summary>
/// One hardened Jint engine: strict mode, no CLR interop, no eval/Function, statement/time/memory/recursion
/// limits, frozen intrinsics. Variables are resolved lazily from the current <see cref="IVariableScope"/>
/// through Jint's reference resolver, so nothing is written into the engine per evaluation. Not thread-safe:
/// the evaluator rents it to one thread at a time.
/// </summary>
internal sealed class JintSandbox
{
    private readonly JintEngine _engine;
    private readonly SandboxConstraint _constraint;
    private readonly Dictionary<string, JsValue> _resolved = new(StringComparer.Ordinal);
    private IVariableScope? _scope;
    private IDictionary<string, JsonNode?>? _assignments;

    public JintSandbox(ExpressionOptions options, TimeProvider timeProvider, BusinessCalendarRegistry calendars)
    {
        _constraint = new SandboxConstraint(timeProvider) { Timeout = options.Timeout };
        var resolver = new ScopeResolver(this);
        _engine = new JintEngine(o =>
        {
            o.Strict();
            o.DisableStringCompilation();
            o.LimitRecursion(options.MaxRecursionDepth);
            o.LimitMemory(options.MemoryLimitBytes);
            o.Constraint(_constraint);
            o.SetReferencesResolver(resolver, ReferenceResolverInterests.UnresolvableReference);
            o.Constraints.MaxArraySize = options.MaxArrayLength;
            o.Constraints.RegexTimeout = options.RegexTimeout;
            o.Culture = CultureInfo.InvariantCulture;
            o.TimeSystem = new ProviderTimeSystem(timeProvider);
            o.Interop.Enabled = false;
        });

        InstallHelpers(new DateHelpers(timeProvider, calendars));
        var harden = _engine.Evaluate(SandboxPrelude.Source);
        var limit = new ClrFunction(_engine, "limit", (_, args) =>
            throw new SandboxLimitException(
                ExpressionErrorCodes.MemoryLimit,
                $"tried to build a string of {args.At(0)} characters (limit {options.MaxStringLength})"));
        var jsonSize = new ClrFunction(_engine, "jsonSize", (_, args) =>
            JsonSizeEstimate.Of(args.At(0), (int)args.At(1).AsNumber(), options.MaxStringLength));
        var roots = (JsArray)_engine.Invoke(harden, limit, options.MaxStringLength, jsonSize);
        DeepFreeze(roots);
        _constraint.Enabled = true;
    }

    /// <summary>The name of the last variable the resolver could not find (for the unknown-variable error).</summary>
    public string? LastMissing { get; private set; }

    /// <summary>Evaluates a prepared script against a scope. Throws whatever Jint or the constraints throw.</summary>
    public JsValue Run(in Prepared<Script> script, IVariableScope scope, int maxStatements, IDictionary<string, JsonNode?>? assignments = null)
    {
        _scope = scope;
        _assignments = assignments;
        LastMissing = null;
        _constraint.MaxStatements = maxStatements;
        try
        {
            var result = _engine.Evaluate(script);
            _constraint.CheckTime();
            return result;
        }
        finally
        {
            _scope = null;
            _assignments = null;
            _resolved.Clear();
        }
    }

    internal bool TryResolve(string name, out JsValue value)
    {
        if (_resolved.TryGetValue(name, out value!))
        {
            return true;
        }

        if (_scope is not null && _scope.TryGetVariable(name, out var node))
        {
            // Cached per evaluation so that two reads of one object variable are the same object (a === a).
            value = JsonConversion.ToJs(_engine, node);
            _resolved[name] = value;
            return true;
        }

        LastMissing = name;
        value = JsValue.Undefined;
        return false;
    }

    private void InstallHelpers(DateHelpers h)
    {
        JsValue Fn(string name, Func<JsValue[], JsValue> body) => new ClrFunction(_engine, name, (_, args) => body(args));
        JsValue Str(string s) => new JsString(s);

        var dates = new JsObject(_engine);
        dates.Set("addDays", Fn("addDays", a => Str(h.AddDays(a.At(0), a.At(1)))));
        dates.Set("addHours", Fn("addHours", a => Str(h.AddHours(a.At(0), a.At(1)))));
        dates.Set("addMinutes", Fn("addMinutes", a => Str(h.AddMinutes(a.At(0), a.At(1)))));
        dates.Set("addMonths", Fn("addMonths", a => Str(h.AddMonths(a.At(0), a.At(1)))));
        dates.Set("addDuration", Fn("addDuration", a => Str(h.AddDuration(a.At(0), a.At(1), a.At(2)))));
        dates.Set("addBusinessDays", Fn("addBusinessDays", a => Str(h.AddBusinessDays(a.At(0), a.At(1), a.At(2)))));
        dates.Set("businessDaysBetween", Fn("businessDaysBetween", a => h.BusinessDaysBetween(a.At(0), a.At(1), a.At(2))));
        dates.Set("isBusinessDay", Fn("isBusinessDay", a => h.IsBusinessDay(a.At(0), a.At(1))));
        dates.Set("compare", Fn("compare", a => h.Compare(a.At(0), a.At(1))));
        dates.Set("isBefore", Fn("isBefore", a => h.Compare(a.At(0), a.At(1)) < 0));
        dates.Set("isAfter", Fn("isAfter", a => h.Compare(a.At(0), a.At(1)) > 0));
        dates.Set("daysBetween", Fn("daysBetween", a => h.DaysBetween(a.At(0), a.At(1))));
        _engine.SetValue("dates", dates);

        var bizdays = new JsObject(_engine);
        bizdays.Set("add", Fn("add", a => Str(h.AddBusinessDays(a.At(0), a.At(1), a.At(2)))));
        bizdays.Set("between", Fn("between", a => h.BusinessDaysBetween(a.At(0), a.At(1), a.At(2))));
        bizdays.Set("isBusinessDay", Fn("isBusinessDay", a => h.IsBusinessDay(a.At(0), a.At(1))));
        bizdays.Set("next", Fn("next", a => Str(h.NextBusinessDay(a.At(0), a.At(1)))));
        _engine.SetValue("bizdays", bizdays);

        _engine.SetValue("now", Fn("now", _ => Str(h.Now())));
        _engine.SetValue("today", Fn("today", _ => Str(h.Today())));
        _engine.SetValue("addBusinessDays", Fn("addBusinessDays", a => Str(h.AddBusinessDays(a.At(0), a.At(1), a.At(2)))));
        _engine.SetValue("businessDaysBetween", Fn("businessDaysBetween", a => h.BusinessDaysBetween(a.At(0), a.At(1), a.At(2))));

        var execution = new JsObject(_engine);
        execution.Set("getVariable", Fn("getVariable", a => TryResolve(Name(a), out var v) ? v : JsValue.Null));
        execution.Set("hasVariable", Fn("hasVariable", a => _scope is not null && _scope.TryGetVariable(Name(a), out _)));
        execution.Set("setVariable", Fn("setVariable", a =>
        {
            if (_assignments is null)
            {
                throw new ArgumentException("execution.setVariable is only available in scripts, not in expressions");
            }

            var name = Name(a);
            var node = JsonConversion.FromJs(a.At(1));
            _assignments[name] = node;
            _resolved.Remove(name);
            return JsValue.Undefined;
        }));
        _engine.SetValue("execution", execution);

        _engine.SetValue(SandboxGlobals.TypeOfHelper, Fn(SandboxGlobals.TypeOfHelper, a =>
        {
            if (!TryResolve(Name(a), out var v))
            {
                LastMissing = null;
                return Str("undefined");
            }

            return Str(v.IsNull() || v.IsObject() ? "object" : v.IsBoolean() ? "boolean" : v.IsNumber() ? "number" : "string");
        }));
    }

    /// <summary>Object.freeze on every object reachable from the roots through properties, accessors and prototypes.</summary>
    private static void DeepFreeze(JsArray roots)
    {
        var stack = new Stack<ObjectInstance>();
        var seen = new HashSet<ObjectInstance>(ReferenceEqualityComparer.Instance);
        for (uint i = 0; i < roots.Length; i++)
        {
            if (roots[i] is ObjectInstance root)
            {
                stack.Push(root);
            }
        }

        while (stack.TryPop(out var o))
        {
            if (!seen.Add(o))
            {
                continue;
            }

            foreach (var (key, d) in o.GetOwnProperties().ToList())
            {
                if (d.IsDataDescriptor())
                {
                    if (d.Value is ObjectInstance child)
                    {
                        stack.Push(child);
                    }

                    o.DefineOwnProperty(key, new PropertyDescriptor(d.Value, writable: false, enumerable: d.Enumerable, configurable: false));
                }
                else
                {
                    if (d.Get is ObjectInstance getter)
                    {
                        stack.Push(getter);
                    }

                    if (d.Set is ObjectInstance setter)
                    {
                        stack.Push(setter);
                    }

                    o.DefineOwnProperty(key, new GetSetPropertyDescriptor(d.Get, d.Set, enumerable: d.Enumerable, configurable: false));
                }
            }

            o.PreventExtensions();
            if (o.Prototype is { } prototype)
            {
                stack.Push(prototype);
            }
        }
    }

    private static string Name(JsValue[] args)
    {
        var name = args.At(0);
        if (!name.IsString() || name.AsString().Length == 0)
        {
            throw new ArgumentException("a variable name (a non-empty string) is required");
        }

        return name.AsString();
    }

    private sealed class ScopeResolver(JintSandbox owner) : IReferenceResolver
    {
        public bool TryUnresolvableReference(JintEngine engine, Reference reference, out JsValue value) =>
            owner.TryResolve(reference.ReferencedName.ToString(), out value);

        public bool TryPropertyReference(JintEngine engine, Reference reference, ref JsValue value) => false;

        public bool TryGetCallable(JintEngine engine, object callee, out JsValue value)
        {
            value = JsValue.Undefined;
            return false;
        }

        public bool CheckCoercible(JsValue value) => false;
    }

    private sealed class ProviderTimeSystem(TimeProvider timeProvider)
        : DefaultTimeSystem(TimeZoneInfo.Utc, CultureInfo.InvariantCulture)
    {
        public override DateTimeOffset GetUtcNow() => timeProvider.GetUtcNow();
    }
}
