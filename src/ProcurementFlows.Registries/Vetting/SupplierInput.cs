using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ProcurementFlows.Registries.Vetting;

/// <summary>A person to screen (the supplier itself when it is a sole trader, or a board member / owner).</summary>
/// <param name="Name">Full name.</param>
/// <param name="BirthDate">ISO date or year, optional.</param>
/// <param name="Nationality">ISO 3166-1 alpha-2, optional.</param>
public sealed record PersonInput(string Name, string? BirthDate, string? Nationality);

/// <summary>
/// The supplier as the vetting handlers read it from the process variable <c>supplier</c>:
/// <c>{"name","kind":"company"|"person","country","orgNumber","orgScheme","lei","uei","cageCode","birthDate","nationality","persons":[{"name","birthDate","nationality"}]}</c>.
/// Only <c>name</c> is required; each check uses the identifiers it needs.
/// </summary>
public sealed record SupplierInput
{
    /// <summary>The process variable holding the supplier object.</summary>
    public const string VariableName = "supplier";

    /// <summary>The process variable listing OpenSanctions entity ids a compliance officer cleared as false positives.</summary>
    public const string ClearedIdsVariableName = "sanctionsClearedIds";

    /// <summary>Legal name (or full name of a person).</summary>
    public required string Name { get; init; }

    /// <summary><see langword="true"/> for a natural person (screened with schema <c>Person</c>).</summary>
    public bool IsPerson { get; init; }

    /// <summary>ISO 3166-1 alpha-2 country of registration, upper case, if given.</summary>
    public string? Country { get; init; }

    /// <summary>The national registration number.</summary>
    public string? OrgNumber { get; init; }

    /// <summary>The scheme of <see cref="OrgNumber"/>: <c>NO-BRC</c> (Brønnøysund), <c>UA-EDR</c>...; defaults from <see cref="Country"/>.</summary>
    public string? OrgScheme { get; init; }

    /// <summary>ISO 17442 LEI.</summary>
    public string? Lei { get; init; }

    /// <summary>SAM.gov Unique Entity ID.</summary>
    public string? Uei { get; init; }

    /// <summary>CAGE / NCAGE code.</summary>
    public string? CageCode { get; init; }

    /// <summary>Birth date of a person supplier.</summary>
    public string? BirthDate { get; init; }

    /// <summary>Nationality of a person supplier.</summary>
    public string? Nationality { get; init; }

    /// <summary>Further persons to screen (board, owners).</summary>
    public IReadOnlyList<PersonInput> Persons { get; init; } = [];

    /// <summary>The scheme in effect: explicit, else by country (NO → NO-BRC, UA → UA-EDR), else none.</summary>
    public string? EffectiveScheme => OrgScheme ?? Country switch
    {
        "NO" => "NO-BRC",
        "UA" => "UA-EDR",
        _ => OrgNumber is not null && Identifiers.IsNorwegianOrgNumber(OrgNumber) && Country is null ? "NO-BRC" : null,
    };

    /// <summary>Reads and validates the <c>supplier</c> variable; bad input throws <see cref="InvalidVettingInputException"/>.</summary>
    public static SupplierInput From(IReadOnlyDictionary<string, JsonNode?> variables, RegistryId registry)
    {
        if (!variables.TryGetValue(VariableName, out var node) || node is null)
        {
            throw new InvalidVettingInputException(registry, $"The process variable '{VariableName}' is missing; it must be an object with at least a 'name'.");
        }

        if (node is not JsonObject supplier)
        {
            throw new InvalidVettingInputException(registry, $"The process variable '{VariableName}' must be a JSON object, not {node.GetValueKind()}.");
        }

        var name = Text(supplier, "name", registry);
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new InvalidVettingInputException(registry, $"'{VariableName}.name' is required.");
        }

        var kind = Text(supplier, "kind", registry)?.ToLowerInvariant();
        if (kind is not (null or "company" or "person"))
        {
            throw new InvalidVettingInputException(registry, $"'{VariableName}.kind' must be 'company' or 'person', not '{kind}'.");
        }

        var country = Upper(Text(supplier, "country", registry));
        if (country is not null && (country.Length != 2 || !country.All(char.IsAsciiLetterUpper)))
        {
            throw new InvalidVettingInputException(registry, $"'{VariableName}.country' must be an ISO 3166-1 alpha-2 code such as 'NO', not '{country}'.");
        }

        return new SupplierInput
        {
            Name = name.Trim(),
            IsPerson = kind == "person",
            Country = country,
            OrgNumber = Text(supplier, "orgNumber", registry)?.Replace(" ", string.Empty, StringComparison.Ordinal),
            OrgScheme = Upper(Text(supplier, "orgScheme", registry)),
            Lei = Upper(Text(supplier, "lei", registry)),
            Uei = Upper(Text(supplier, "uei", registry)),
            CageCode = Upper(Text(supplier, "cageCode", registry)),
            BirthDate = Text(supplier, "birthDate", registry),
            Nationality = Upper(Text(supplier, "nationality", registry)),
            Persons = ReadPersons(supplier, registry),
        };
    }

    /// <summary>Reads <c>sanctionsClearedIds</c> (an array of strings), empty when absent.</summary>
    public static IReadOnlyList<string> ClearedIds(IReadOnlyDictionary<string, JsonNode?> variables, RegistryId registry)
    {
        if (!variables.TryGetValue(ClearedIdsVariableName, out var node) || node is null)
        {
            return [];
        }

        if (node is not JsonArray array || array.Any(item => item?.GetValueKind() != JsonValueKind.String))
        {
            throw new InvalidVettingInputException(registry, $"The process variable '{ClearedIdsVariableName}' must be an array of entity id strings.");
        }

        return [.. array.Select(item => item!.GetValue<string>()).Where(id => id.Length > 0).Distinct(StringComparer.Ordinal)];
    }

    private static List<PersonInput> ReadPersons(JsonObject supplier, RegistryId registry)
    {
        if (supplier["persons"] is not { } node)
        {
            return [];
        }

        if (node is not JsonArray array)
        {
            throw new InvalidVettingInputException(registry, $"'{VariableName}.persons' must be an array of objects with a 'name'.");
        }

        var persons = new List<PersonInput>();
        foreach (var item in array)
        {
            if (item is not JsonObject person || Text(person, "name", registry) is not { Length: > 0 } personName)
            {
                throw new InvalidVettingInputException(registry, $"Every entry of '{VariableName}.persons' must be an object with a 'name'.");
            }

            persons.Add(new PersonInput(personName.Trim(), Text(person, "birthDate", registry), Upper(Text(person, "nationality", registry))));
        }

        return persons;
    }

    private static string? Upper(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim().ToUpperInvariant();

    private static string? Text(JsonObject obj, string property, RegistryId registry)
    {
        var node = obj[property];
        return node?.GetValueKind() switch
        {
            null or JsonValueKind.Null => null,
            JsonValueKind.String => node.GetValue<string>() is { Length: > 0 } s ? s : null,
            // Identifiers typed as numbers in a form (e.g. 923609016) are accepted as their digits.
            JsonValueKind.Number when long.TryParse(node.ToJsonString(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) => number.ToString(CultureInfo.InvariantCulture),
            var kind => throw new InvalidVettingInputException(registry, $"'{VariableName}.{property}' must be a string, not {kind}."),
        };
    }
}
