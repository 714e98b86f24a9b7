using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime.Descriptors;

namespace ProcurementFlows.Engine.Expressions.Sandbox;

/// <summary>
/// Estimates, in C#, how many characters <c>JSON.stringify</c> would produce for a value, so that the sandbox can
/// refuse a huge result before the native call allocates it (one native call runs no statements, so the memory
/// constraint would see it only afterwards). Shared references are counted at every occurrence, as the output
/// repeats them; the walk stops as soon as the estimate passes the budget, which also ends it on cycles.
/// </summary>
internal static class JsonSizeEstimate
{
    /// <summary>
    /// The estimated length, a value above <paramref name="budget"/> once it is exceeded, or -1 when user code would
    /// run during serialisation (a <c>toJSON</c> method, a getter or a proxy): the caller then counts as it goes.
    /// </summary>
    public static long Of(JsValue value, int gap, long budget)
    {
        long size = 0;
        var stack = new Stack<(JsValue Value, int Depth)>();
        stack.Push((value, 0));
        while (stack.TryPop(out var item))
        {
            var (v, depth) = item;
            if (size > budget)
            {
                return size;
            }

            switch (v)
            {
                case JsString s:
                    size += Quoted(s.ToString());
                    continue;
                case ObjectInstance o when o.GetType().Name == "JsProxy": // Jint keeps its proxy type internal
                    return -1;
                case JsDate:
                    size += 26;
                    continue;
                case Jint.Native.Function.Function:
                    size += 9;
                    continue;
                case ObjectInstance o:
                    if (o.Get("toJSON") is Jint.Native.Function.Function)
                    {
                        return -1;
                    }

                    size += 2;
                    if (o is JsArray array)
                    {
                        var length = (long)array.Length;
                        for (long i = 0; i < length && size <= budget; i++)
                        {
                            size += 1 + gap * (depth + 1);
                            var d = o.GetOwnProperty((uint)i);
                            if (d != PropertyDescriptor.Undefined && !d.IsDataDescriptor())
                            {
                                return -1;
                            }

                            stack.Push((d == PropertyDescriptor.Undefined ? JsValue.Null : d.Value, depth + 1));
                        }

                        continue;
                    }

                    foreach (var (key, d) in o.GetOwnProperties())
                    {
                        if (key is not JsString || !d.Enumerable)
                        {
                            continue;
                        }

                        if (!d.IsDataDescriptor())
                        {
                            return -1;
                        }

                        size += Quoted(key.ToString()) + 2 + gap * (depth + 1);
                        stack.Push((d.Value, depth + 1));
                        if (size > budget)
                        {
                            return size;
                        }
                    }

                    continue;
                default:
                    size += v switch
                    {
                        JsNumber n => Jint.JsValueExtensions.AsNumber(n).ToString("R", System.Globalization.CultureInfo.InvariantCulture).Length,
                        JsBigInt b => b.ToString().Length,
                        _ => 5,
                    };
                    continue;
            }
        }

        return size;
    }

    private static long Quoted(string s)
    {
        long n = s.Length + 2;
        foreach (var c in s)
        {
            if (c < 0x20 || c is '"' or '\\')
            {
                n += 5;
            }
        }

        return n;
    }
}
