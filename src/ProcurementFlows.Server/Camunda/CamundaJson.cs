using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ProcurementFlows.Runtime;

namespace ProcurementFlows.Server.Camunda;

/// <summary>Camunda's JSON conventions: camelCase, nulls written, dates as <c>yyyy-MM-dd'T'HH:mm:ss.SSSZ</c>.</summary>
internal static class CamundaJson
{
    public static readonly JsonSerializerOptions Options = Create();

    /// <summary>Camunda's response content type, without a charset parameter.</summary>
    public const string ContentType = "application/json";

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            AllowTrailingCommas = false,
            TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
        };
        options.Converters.Add(new CamundaDateConverter());
        options.MakeReadOnly();
        return options;
    }

    /// <summary>Formats an instant the way Camunda does, in UTC: <c>2026-01-23T13:42:42.000+0000</c>.</summary>
    public static string FormatDate(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture) + "+0000";

    /// <summary>Parses Camunda's date format (<c>+0200</c> offsets) and ISO 8601 (<c>Z</c>, <c>+02:00</c>); a date without offset is UTC.</summary>
    public static bool TryParseDate(string? text, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        if (s.Length > 5 && (s[^5] == '+' || s[^5] == '-') && s[^4..].All(char.IsAsciiDigit) && s.Contains('T', StringComparison.Ordinal))
        {
            s = s[..^2] + ":" + s[^2..];
        }

        return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }

    /// <summary>Reads a JSON request body; an empty body gives <paramref name="empty"/>, malformed JSON a Camunda 400.</summary>
    public static async Task<T> ReadBodyAsync<T>(HttpRequest request, T empty, CancellationToken cancellationToken)
    {
        if (request.ContentLength == 0)
        {
            return empty;
        }

        try
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, cancellationToken);
            if (buffer.Length == 0)
            {
                return empty;
            }

            buffer.Position = 0;
            return await JsonSerializer.DeserializeAsync<T>(buffer, Options, cancellationToken) ?? empty;
        }
        catch (JsonException ex)
        {
            throw EngineRestException.InvalidRequest($"The request body is not valid JSON for this endpoint: {ex.Message}");
        }
    }

    private sealed class CamundaDateConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            TryParseDate(reader.GetString(), out var value) ? value : throw new JsonException($"'{reader.GetString()}' is not a date (yyyy-MM-dd'T'HH:mm:ss.SSSZ).");

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(FormatDate(value));
    }
}

/// <summary>A Camunda typed variable value: <c>{"value": ..., "type": "String", "valueInfo": {...}}</c>.</summary>
/// <param name="Value">The value (for Json and Object: a JSON text).</param>
/// <param name="Type">String, Boolean, Integer, Short, Long, Double, Date, Json, Object (application/json) or Null; omitted = inferred.</param>
/// <param name="ValueInfo">For Object: <c>objectTypeName</c>, <c>serializationDataFormat</c>.</param>
public sealed record VariableValueDto(JsonElement? Value, string? Type, Dictionary<string, JsonElement>? ValueInfo);

/// <summary>Converts between Camunda's typed variables and the engine's JSON variables.</summary>
internal static class TypedVariables
{
    /// <summary>Camunda's type names, by their upper-case form (Camunda accepts any case on the way in).</summary>
    private static readonly Dictionary<string, string> TypeNames = new[] { "String", "Boolean", "Integer", "Short", "Long", "Double", "Date", "Json", "Object" }
        .ToDictionary(t => t.ToUpperInvariant(), StringComparer.Ordinal);

    /// <summary>Typed variables to JSON values; a bad value or unsupported type is a 400 naming the variable.</summary>
    public static Dictionary<string, JsonNode?> FromDto(IReadOnlyDictionary<string, VariableValueDto?>? variables) => Read(variables).Values;

    /// <summary>
    /// Typed variables to JSON values plus the value types to keep next to them (so that a <c>Long</c> reads back as
    /// <c>Long</c>); an untyped or null value forgets an older type. A bad value or unsupported type is a 400 naming the variable.
    /// </summary>
    public static TypedInput Read(IReadOnlyDictionary<string, VariableValueDto?>? variables)
    {
        var values = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        var types = new Dictionary<string, VariableValueType?>(StringComparer.Ordinal);
        foreach (var (name, dto) in variables ?? new Dictionary<string, VariableValueDto?>())
        {
            var value = dto is null ? null : Convert(name, dto);
            values[name] = value;
            types[name] = value is not null && dto?.Type?.Trim().ToUpperInvariant() is { } upper && TypeNames.TryGetValue(upper, out var type)
                ? new VariableValueType(type, value.DeepClone(), type == "Object" ? ObjectInfo(dto) : null)
                : null;
        }

        return new TypedInput(values, types);
    }

    private static JsonObject ObjectInfo(VariableValueDto dto)
    {
        var info = new JsonObject();
        foreach (var key in new[] { "objectTypeName", "serializationDataFormat" })
        {
            if (dto.ValueInfo?.GetValueOrDefault(key) is { ValueKind: JsonValueKind.String } v)
            {
                info[key] = v.GetString();
            }
        }

        info["serializationDataFormat"] ??= "application/json";
        return info;
    }

    private static JsonNode? Convert(string name, VariableValueDto dto)
    {
        var value = dto.Value is { ValueKind: not JsonValueKind.Undefined } v ? v : default;
        var isNull = value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null;
        var type = dto.Type?.Trim();
        if (string.IsNullOrEmpty(type))
        {
            return isNull ? null : JsonNode.Parse(value.GetRawText());
        }

        switch (type.ToUpperInvariant())
        {
            case "NULL":
                return null;
            case "STRING":
                return isNull ? null : value.ValueKind == JsonValueKind.String ? JsonValue.Create(value.GetString()) : throw Invalid(name, value, type);
            case "BOOLEAN":
                if (isNull)
                {
                    return null;
                }

                if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    return JsonValue.Create(value.GetBoolean());
                }

                return value.ValueKind == JsonValueKind.String && bool.TryParse(value.GetString(), out var b) ? JsonValue.Create(b) : throw Invalid(name, value, type);
            case "INTEGER":
                return isNull ? null : JsonValue.Create(Integer(name, value, type, int.MinValue, int.MaxValue));
            case "SHORT":
                return isNull ? null : JsonValue.Create(Integer(name, value, type, short.MinValue, short.MaxValue));
            case "LONG":
                return isNull ? null : JsonValue.Create(Integer(name, value, type, long.MinValue, long.MaxValue));
            case "DOUBLE":
                if (isNull)
                {
                    return null;
                }

                if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d) && double.IsFinite(d))
                {
                    return JsonValue.Create(d);
                }

                return value.ValueKind == JsonValueKind.String && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out d) && double.IsFinite(d)
                    ? JsonValue.Create(d)
                    : throw Invalid(name, value, type);
            case "DATE":
                if (isNull)
                {
                    return null;
                }

                // Stored as ISO 8601 UTC text: what the JavaScript expressions and our own API understand.
                return value.ValueKind == JsonValueKind.String && CamundaJson.TryParseDate(value.GetString(), out var date)
                    ? JsonValue.Create(date.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture))
                    : throw Invalid(name, value, type);
            case "JSON":
                return isNull ? null : ParseJsonText(name, value, type);
            case "OBJECT":
                var format = dto.ValueInfo?.GetValueOrDefault("serializationDataFormat") is { ValueKind: JsonValueKind.String } f ? f.GetString() : null;
                if (format is not null && !format.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
                {
                    throw EngineRestException.InvalidRequest($"Variable '{name}': Object values in serialization format '{format}' are not supported; send them as application/json (or as type Json).");
                }

                return isNull ? null : ParseJsonText(name, value, type);
            case "BYTES":
            case "FILE":
            case "XML":
                throw EngineRestException.InvalidRequest($"Variable '{name}': the value type '{type}' is not supported by this engine (supported: String, Boolean, Integer, Short, Long, Double, Date, Json, Object as application/json, Null).");
            default:
                throw EngineRestException.InvalidRequest($"Variable '{name}': unsupported value type '{type}'.");
        }
    }

    private static long Integer(string name, JsonElement value, string type, long min, long max)
    {
        long n;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out n))
        {
        }
        else if (value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out n))
        {
        }
        else
        {
            throw Invalid(name, value, type);
        }

        return n >= min && n <= max ? n : throw Invalid(name, value, type);
    }

    private static JsonNode? ParseJsonText(string name, JsonElement value, string type)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return JsonNode.Parse(value.GetRawText()); // lenient: an inline JSON value instead of its text
        }

        try
        {
            return JsonNode.Parse(value.GetString()!);
        }
        catch (JsonException ex)
        {
            throw EngineRestException.InvalidRequest($"Variable '{name}': the {type} value is not valid JSON: {ex.Message}");
        }
    }

    private static EngineRestException Invalid(string name, JsonElement value, string type) =>
        EngineRestException.InvalidRequest($"Cannot convert value '{Shorten(value.ToString())}' of type '{type}' for variable '{name}'.");

    private static string Shorten(string text) => text.Length > 100 ? text[..100] + "…" : text;

    /// <summary>
    /// JSON values back to typed variables. A variable whose recorded type (<paramref name="types"/>) still describes its
    /// value comes back with that type; otherwise the type is inferred: text in the exact form a Date is stored in
    /// (<c>yyyy-MM-ddTHH:mm:ss.fffZ</c>) comes back as a Date in Camunda's format, objects and arrays as Json.
    /// </summary>
    public static Dictionary<string, VariableValueDto> ToDto(IReadOnlyDictionary<string, JsonNode?> variables, IReadOnlyDictionary<string, VariableValueType>? types, IReadOnlyCollection<string>? only = null)
    {
        var result = new Dictionary<string, VariableValueDto>(StringComparer.Ordinal);
        foreach (var (name, value) in variables.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            if (only is null || only.Contains(name))
            {
                result[name] = types?.GetValueOrDefault(name) is { } type && type.Describes(value) ? ToDto(value, type) : ToDto(value);
            }
        }

        return result;
    }

    private static DateTime? StoredDate(string text) =>
        text.Length == 24 && text[^1] == 'Z' && DateTime.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var date)
            ? date
            : null;

    private static JsonElement CamundaDate(DateTime date) =>
        JsonSerializer.SerializeToElement(date.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture));

    /// <summary>A value with its recorded type (the caller checked that the type still describes the value).</summary>
    private static VariableValueDto ToDto(JsonNode? value, VariableValueType type)
    {
        var info = new Dictionary<string, JsonElement>();
        if (value is null)
        {
            return new VariableValueDto(null, "Null", info);
        }

        var element = JsonSerializer.SerializeToElement(value);
        switch (type.Type)
        {
            case "Date" when element.ValueKind == JsonValueKind.String && CamundaJson.TryParseDate(element.GetString(), out var date):
                return new VariableValueDto(CamundaDate(date.UtcDateTime), "Date", info);
            case "Json":
                return new VariableValueDto(JsonSerializer.SerializeToElement(value.ToJsonString()), "Json", info);
            case "Object":
                foreach (var (key, v) in type.ValueInfo ?? [])
                {
                    info[key] = JsonSerializer.SerializeToElement(v);
                }

                return new VariableValueDto(JsonSerializer.SerializeToElement(value.ToJsonString()), "Object", info);
            case "Date":
                return ToDto(value);
            default:
                return new VariableValueDto(element, type.Type, info);
        }
    }

    /// <summary>A value with its type inferred from the JSON.</summary>
    public static VariableValueDto ToDto(JsonNode? value)
    {
        var empty = new Dictionary<string, JsonElement>();
        if (value is null)
        {
            return new VariableValueDto(null, "Null", empty);
        }

        var element = JsonSerializer.SerializeToElement(value);
        return element.ValueKind switch
        {
            JsonValueKind.String when StoredDate(element.GetString()!) is { } date => new VariableValueDto(CamundaDate(date), "Date", empty),
            JsonValueKind.String => new VariableValueDto(element, "String", empty),
            JsonValueKind.True or JsonValueKind.False => new VariableValueDto(element, "Boolean", empty),
            JsonValueKind.Number when element.TryGetInt32(out _) => new VariableValueDto(element, "Integer", empty),
            JsonValueKind.Number when element.TryGetInt64(out _) => new VariableValueDto(element, "Long", empty),
            JsonValueKind.Number => new VariableValueDto(element, "Double", empty),
            _ => new VariableValueDto(JsonSerializer.SerializeToElement(value.ToJsonString()), "Json", empty),
        };
    }
}

/// <summary>Typed variables read from a request: the JSON values, and the value types to record next to them (null = forget).</summary>
internal sealed record TypedInput(Dictionary<string, JsonNode?> Values, Dictionary<string, VariableValueType?> Types);
