using System.Collections.Frozen;

namespace ProcurementFlows.Engine.Expressions.Sandbox;

/// <summary>
/// The names that resolve to sandbox globals (JavaScript built-ins and our helpers) rather than to process
/// variables. A process variable with one of these names is shadowed; read it with
/// <c>execution.getVariable('name')</c>.
/// </summary>
internal static class SandboxGlobals
{
    /// <summary>Our helper globals.</summary>
    public static readonly FrozenSet<string> Helpers = FrozenSet.ToFrozenSet(
    [
        "now", "today", "dates", "bizdays", "addBusinessDays", "businessDaysBetween", "execution", TypeOfHelper,
    ]);

    /// <summary>The name of the helper that replaces <c>typeof variable</c> at compile time.</summary>
    public const string TypeOfHelper = "__pf_typeof";

    private static readonly FrozenSet<string> Standard = FrozenSet.ToFrozenSet(
    [
        "globalThis", "Infinity", "NaN", "undefined", "eval", "isFinite", "isNaN", "parseFloat", "parseInt",
        "decodeURI", "decodeURIComponent", "encodeURI", "encodeURIComponent", "escape", "unescape",
        "AggregateError", "Array", "ArrayBuffer", "AsyncDisposableStack", "Atomics", "BigInt", "BigInt64Array",
        "BigUint64Array", "Boolean", "DataView", "Date", "DisposableStack", "Error", "EvalError",
        "FinalizationRegistry", "Float16Array", "Float32Array", "Float64Array", "Function", "Int8Array",
        "Int16Array", "Int32Array", "Intl", "Iterator", "JSON", "Map", "Math", "Number", "Object", "Promise",
        "Proxy", "RangeError", "ReferenceError", "Reflect", "RegExp", "Set", "SharedArrayBuffer", "ShadowRealm",
        "String", "SuppressedError", "Symbol", "SyntaxError", "Temporal", "TypeError", "URIError", "Uint8Array",
        "Uint8ClampedArray", "Uint16Array", "Uint32Array", "WeakMap", "WeakRef", "WeakSet", "console",
        "toString", "AsyncIterator", "Generator", "TypedArray",
    ]);

    public static bool IsGlobal(string name) => Standard.Contains(name) || Helpers.Contains(name);
}
