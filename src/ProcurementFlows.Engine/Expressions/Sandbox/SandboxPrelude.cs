namespace ProcurementFlows.Engine.Expressions.Sandbox;

/// <summary>The script that hardens a fresh Jint engine before its first evaluation.</summary>
internal static class SandboxPrelude
{
    /// <summary>
    /// A function (limit, maxLength, jsonSize) that (1) guards the string builders that can allocate without running a
    /// statement (repeat, padStart, padEnd, join, concat, JSON.stringify — sized beforehand by <c>jsonSize</c>, see
    /// <see cref="JsonSizeEstimate"/>) by calling <c>limit(n)</c>, which throws a CLR
    /// exception script cannot catch; (2) removes binary buffers (ArrayBuffer, typed arrays, …), weak references
    /// and ShadowRealm (a fresh realm would have unfrozen intrinsics); (3) returns the roots (the global object and
    /// the hidden intrinsic prototypes) that <see cref="JintSandbox"/> then deep-freezes, so that no evaluation can
    /// leave state (prototype pollution, new globals) behind for the next one.
    /// </summary>
    public const string Source = """
(function (limit, maxLength, jsonSize) {
  'use strict';
  const sp = String.prototype, ap = Array.prototype;
  const origRepeat = sp.repeat, origPadStart = sp.padStart, origPadEnd = sp.padEnd, origJoin = ap.join, origConcat = sp.concat;
  const check = (n) => { if (n > maxLength) limit(n); };
  const define = (o, name, fn) => Object.defineProperty(o, name, { value: fn, writable: true, configurable: true, enumerable: false });
  define(sp, 'repeat', function repeat(count) { const n = Math.floor(Number(count)); if (n > 0) check(String(this).length * n); return origRepeat.call(this, count); });
  define(sp, 'padStart', function padStart(length, fill) { check(Number(length)); return origPadStart.call(this, length, fill); });
  define(sp, 'padEnd', function padEnd(length, fill) { check(Number(length)); return origPadEnd.call(this, length, fill); });
  define(sp, 'concat', function concat(...parts) { let n = String(this).length; for (const p of parts) { n += String(p).length; check(n); } return origConcat.apply(this, parts); });
  define(ap, 'join', function join(separator) {
    const o = Object(this), len = Math.min(Number(o.length) || 0, 4294967295);
    const sepLength = separator === undefined ? 1 : String(separator).length;
    let n = 0;
    for (let i = 0; i < len; i++) { const e = o[i]; n += (e === undefined || e === null ? 0 : String(e).length) + sepLength; check(n); }
    return origJoin.call(this, separator);
  });
  const origStringify = JSON.stringify;
  define(JSON, 'stringify', function stringify(value, replacer, space) {
    const gap = typeof space === 'number' ? Math.min(10, Math.max(0, Math.floor(space))) : typeof space === 'string' ? Math.min(10, space.length) : 0;
    const estimate = typeof replacer === 'function' ? -1 : jsonSize(value, gap);
    if (estimate >= 0) {
      check(estimate);
      return origStringify(value, replacer, space);
    }
    // User code runs while serialising (a replacer, toJSON, getters): count what it returns as it goes.
    const allow = Array.isArray(replacer) ? new Set(replacer.map(String)) : null;
    let n = 0;
    const counted = function (key, v) {
      if (allow !== null && key !== '' && !Array.isArray(this) && !allow.has(key)) return undefined;
      if (typeof replacer === 'function') v = replacer.call(this, key, v);
      n += String(key).length + 4 + gap * 8 + (typeof v === 'string' ? v.length : 0);
      check(n);
      return v;
    };
    return origStringify(value, counted, space);
  });
  for (const name of ['ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Atomics', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray',
                      'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float16Array', 'Float32Array', 'Float64Array',
                      'BigInt64Array', 'BigUint64Array', 'WeakRef', 'FinalizationRegistry', 'ShadowRealm']) {
    delete globalThis[name];
  }
  // The objects that are not reachable from globalThis by property reads; the host freezes these and everything
  // reachable from them (done in C#, which is an order of magnitude faster than walking in script).
  return [globalThis, function* () {}, async function () {}, async function* () {}, [][Symbol.iterator](),
          new Map().entries(), new Set().values(), ''[Symbol.iterator](), /x/[Symbol.matchAll]('x'), (function* () {})()];
})
""";
}
