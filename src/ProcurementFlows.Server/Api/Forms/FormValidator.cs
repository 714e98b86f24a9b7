using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ProcurementFlows.Server.Api.Forms;

/// <summary>
/// Validates submitted variables against a form-js form (the JSON that the form-js editor writes): required fields,
/// types, lengths, ranges, patterns and allowed values. Returns field errors keyed by the field's <c>key</c>.
/// </summary>
public static class FormValidator
{
    private static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>Field keys of a form (every component with a key that holds a value), in document order.</summary>
    public static IReadOnlyList<string> FieldKeys(JsonNode? form) => [.. Fields(form).Select(f => f.Key)];

    /// <summary>
    /// Checks <paramref name="variables"/> against <paramref name="form"/>. Fields not in the variables count as missing;
    /// variables that are not fields of the form are left alone (process variables may travel with a completion).
    /// </summary>
    public static IReadOnlyDictionary<string, string[]> Validate(JsonNode? form, IReadOnlyDictionary<string, JsonNode?> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var field in Fields(form))
        {
            variables.TryGetValue(field.Key, out var value);
            foreach (var message in Check(field, value))
            {
                (errors.TryGetValue(field.Key, out var list) ? list : errors[field.Key] = []).Add(message);
            }
        }

        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
    }

    private sealed record Field(string Key, string Type, string Label, JsonObject Component);

    private static IEnumerable<Field> Fields(JsonNode? form)
    {
        if (form?["components"] is not JsonArray components)
        {
            yield break;
        }

        foreach (var component in components.OfType<JsonObject>())
        {
            var type = component["type"]?.GetValueKind() == JsonValueKind.String ? component["type"]!.GetValue<string>() : "";
            // Groups lay fields out without changing their keys; dynamic lists hold arrays and are not checked field by field.
            if (type is "group" && component["components"] is JsonArray)
            {
                foreach (var nested in Fields(component))
                {
                    yield return nested;
                }

                continue;
            }

            if (component["key"] is JsonValue key && key.TryGetValue<string>(out var name) && !string.IsNullOrEmpty(name) && HoldsValue(type))
            {
                var label = component["label"] is JsonValue l && l.TryGetValue<string>(out var text) ? text : name;
                yield return new Field(name, type, label, component);
            }
        }
    }

    private static bool HoldsValue(string type) =>
        type is "textfield" or "textarea" or "number" or "checkbox" or "checklist" or "radio" or "select" or "taglist" or "datetime" or "expression" or "filepicker";

    private static IEnumerable<string> Check(Field field, JsonNode? value)
    {
        var validate = field.Component["validate"] as JsonObject;
        var required = validate?["required"] is JsonValue r && r.TryGetValue<bool>(out var req) && req;
        if (IsEmpty(value))
        {
            if (required)
            {
                yield return $"{field.Label} is required.";
            }

            yield break;
        }

        switch (field.Type)
        {
            case "number":
                if (!TryNumber(value!, out var number))
                {
                    yield return $"{field.Label} must be a number.";
                    yield break;
                }

                if (Number(validate, "min") is { } min && number < min)
                {
                    yield return $"{field.Label} must be at least {min.ToString(CultureInfo.InvariantCulture)}.";
                }

                if (Number(validate, "max") is { } max && number > max)
                {
                    yield return $"{field.Label} must be at most {max.ToString(CultureInfo.InvariantCulture)}.";
                }

                break;
            case "checkbox":
                if (value!.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                {
                    yield return $"{field.Label} must be true or false.";
                }

                break;
            case "checklist" or "taglist":
                if (value is not JsonArray items)
                {
                    yield return $"{field.Label} must be a list.";
                    yield break;
                }

                foreach (var item in items)
                {
                    if (!IsAllowed(field.Component, item))
                    {
                        yield return $"{field.Label}: '{Display(item)}' is not one of the allowed values.";
                    }
                }

                break;
            case "radio" or "select":
                if (!IsAllowed(field.Component, value))
                {
                    yield return $"{field.Label}: '{Display(value)}' is not one of the allowed values.";
                }

                break;
            case "datetime":
                if (value!.GetValueKind() != JsonValueKind.String || !IsDateTime(field.Component, value.GetValue<string>()))
                {
                    yield return $"{field.Label} must be a date/time in ISO 8601 form.";
                }

                break;
            case "textfield" or "textarea":
                if (value!.GetValueKind() != JsonValueKind.String)
                {
                    yield return $"{field.Label} must be text.";
                    yield break;
                }

                foreach (var message in CheckText(field, validate, value.GetValue<string>()))
                {
                    yield return message;
                }

                break;
        }
    }

    private static IEnumerable<string> CheckText(Field field, JsonObject? validate, string text)
    {
        if (Number(validate, "minLength") is { } minLength && text.Length < minLength)
        {
            yield return $"{field.Label} must have at least {minLength} characters.";
        }

        if (Number(validate, "maxLength") is { } maxLength && text.Length > maxLength)
        {
            yield return $"{field.Label} must have at most {maxLength} characters.";
        }

        if (validate?["pattern"] is JsonValue p && p.TryGetValue<string>(out var pattern) && !string.IsNullOrEmpty(pattern))
        {
            bool matches;
            try
            {
                // form-js patterns are JavaScript regular expressions matched against the whole value.
                matches = Regex.IsMatch(text, $"^(?:{pattern})$", RegexOptions.ECMAScript | RegexOptions.CultureInvariant, PatternTimeout);
            }
            catch (Exception ex) when (ex is ArgumentException or RegexMatchTimeoutException)
            {
                matches = false;
            }

            if (!matches)
            {
                yield return $"{field.Label} does not match the required pattern {pattern}.";
            }
        }

        var validationType = validate?["validationType"] is JsonValue vt && vt.TryGetValue<string>(out var t) ? t : null;
        if (validationType == "email" && !Regex.IsMatch(text, @"^[^@\s]+@[^@\s]+\.[^@\s]+$", RegexOptions.CultureInvariant, PatternTimeout))
        {
            yield return $"{field.Label} must be an email address.";
        }
        else if (validationType == "phone" && !Regex.IsMatch(text, @"^\+?[0-9 ()\-]{5,20}$", RegexOptions.CultureInvariant, PatternTimeout))
        {
            yield return $"{field.Label} must be a phone number.";
        }
    }

    private static bool IsEmpty(JsonNode? value) =>
        value is null
        || (value.GetValueKind() == JsonValueKind.String && string.IsNullOrEmpty(value.GetValue<string>()))
        || (value is JsonArray array && array.Count == 0);

    private static bool TryNumber(JsonNode value, out decimal number)
    {
        number = 0;
        return value.GetValueKind() switch
        {
            JsonValueKind.Number => value.AsValue().TryGetValue(out number) || decimal.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out number),
            // form-js number fields may submit numbers as strings (e.g. with decimal digits configured).
            JsonValueKind.String => decimal.TryParse(value.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out number),
            _ => false,
        };
    }

    private static decimal? Number(JsonObject? validate, string name) =>
        validate?[name] is { } node && TryNumber(node, out var number) ? number : null;

    private static bool IsAllowed(JsonObject component, JsonNode? value)
    {
        // Options from a process variable (valuesKey) or an expression are dynamic: they cannot be checked statically.
        if (component["values"] is not JsonArray options)
        {
            return true;
        }

        return options.OfType<JsonObject>().Any(o => JsonNode.DeepEquals(o["value"], value));
    }

    private static bool IsDateTime(JsonObject component, string text)
    {
        var subtype = component["subtype"] is JsonValue s && s.TryGetValue<string>(out var st) ? st : "date";
        return subtype switch
        {
            "date" => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
            "time" => TimeOnly.TryParseExact(text, ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
                || DateTimeOffset.TryParse("2000-01-01T" + text, CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
            _ => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _),
        };
    }

    private static string Display(JsonNode? value) => value is null ? "null" : value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
}
