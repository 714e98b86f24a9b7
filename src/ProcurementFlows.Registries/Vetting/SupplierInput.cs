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

    /// <summary>
    /// Reads and validates the supplier: the <c>supplier</c> object (with <c>identifierScheme</c>/<c>identifierId</c>
    /// accepted for <c>orgScheme</c>/<c>orgNumber</c>), or, when a diagram maps flat inputs, the variables
    /// <c>supplierName</c>, <c>country</c>, <c>registrationScheme</c>, <c>registrationNumber</c>, <c>lei</c>,
    /// <c>uei</c>, <c>cageCode</c>, <c>supplierKind</c>, <c>birthDate</c>, <c>nationality</c>.
    /// Bad input throws <see cref="InvalidVettingInputException"/>.
    /// </summary>
    public static SupplierInput From(IReadOnlyDictionary<string, JsonNode?> variables, RegistryId registry)
    {
        ArgumentNullException.ThrowIfNull(variables);
        Reader reader;
        if (variables.TryGetValue(VariableName, out var node) && node is not null)
        {
            if (node is not JsonObject supplier)
            {
                throw new InvalidVettingInputException(registry, $"The process variable '{VariableName}' must be a JSON object, not {node.GetValueKind()}.");
            }

            reader = new Reader(supplier, registry, Flat: false);
        }
        else if (variables.TryGetValue(FlatNames["name"], out var flatName) && flatName is not null)
        {
            var flat = new JsonObject();
            foreach (var (property, variable) in FlatNames)
            {
                if (variables.TryGetValue(variable, out var value))
                {
                    flat[property] = value?.DeepClone();
                }
            }

            reader = new Reader(flat, registry, Flat: true);
        }
        else
        {
            throw new InvalidVettingInputException(registry, $"The process variable '{VariableName}' is missing; it must be an object with at least a 'name' (or map the flat inputs 'supplierName', 'registrationScheme', 'registrationNumber'...).");
        }

        return reader.Read();
    }

    /// <summary>The flat input variable for each supplier property.</summary>
    private static readonly IReadOnlyDictionary<string, string> FlatNames = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["name"] = "supplierName",
        ["kind"] = "supplierKind",
        ["country"] = "country",
        ["orgScheme"] = "registrationScheme",
        ["orgNumber"] = "registrationNumber",
        ["lei"] = "lei",
        ["uei"] = "uei",
        ["cageCode"] = "cageCode",
        ["birthDate"] = "birthDate",
        ["nationality"] = "nationality",
    };

    private sealed record Reader(JsonObject Supplier, RegistryId Registry, bool Flat)
    {
        public SupplierInput Read()
        {
            var name = Text("name");
            if (string.IsNullOrWhiteSpace(name))
            {
                throw Invalid($"'{Display("name")}' is required.");
            }

            var kind = Text("kind")?.ToLowerInvariant();
            if (kind is not (null or "company" or "person"))
            {
                throw Invalid($"'{Display("kind")}' must be 'company' or 'person', not '{kind}'.");
            }

            var country = Upper(Text("country"));
            if (country is not null && (country.Length != 2 || !country.All(char.IsAsciiLetterUpper)))
            {
                throw Invalid($"'{Display("country")}' must be an ISO 3166-1 alpha-2 code such as 'NO', not '{country}'.");
            }

            var scheme = Upper(Text("orgScheme") ?? Text("identifierScheme"));
            var number = (Text("orgNumber") ?? Text("identifierId"))?.Replace(" ", string.Empty, StringComparison.Ordinal);
            var lei = Upper(Text("lei"));
            if (lei is null && scheme == "XI-LEI")
            {
                // The registration number is itself the LEI.
                lei = Upper(number);
            }

            return new SupplierInput
            {
                Name = name.Trim(),
                IsPerson = kind == "person",
                Country = country,
                OrgNumber = number,
                OrgScheme = scheme,
                Lei = lei,
                Uei = Upper(Text("uei")),
                CageCode = Upper(Text("cageCode")),
                BirthDate = Text("birthDate"),
                Nationality = Upper(Text("nationality")),
                Persons = ReadPersons(),
            };
        }

        private List<PersonInput> ReadPersons()
        {
            if (Supplier["persons"] is not { } node)
            {
                return [];
            }

            if (node is not JsonArray array)
            {
                throw Invalid($"'{VariableName}.persons' must be an array of objects with a 'name'.");
            }

            var persons = new List<PersonInput>();
            foreach (var item in array)
            {
                if (item is not JsonObject person)
                {
                    throw Invalid($"Every entry of '{VariableName}.persons' must be an object with a 'name'.");
                }

                var reader = this with { Supplier = person };
                if (reader.Text("name") is not { Length: > 0 } personName)
                {
                    throw Invalid($"Every entry of '{VariableName}.persons' must be an object with a 'name'.");
                }

                persons.Add(new PersonInput(personName.Trim(), reader.Text("birthDate"), Upper(reader.Text("nationality"))));
            }

            return persons;
        }

        private string Display(string property) => Flat && FlatNames.TryGetValue(property, out var variable) ? variable : $"{VariableName}.{property}";

        private InvalidVettingInputException Invalid(string message) => new(Registry, message);

        private string? Text(string property)
        {
            var node = Supplier[property];
            return node?.GetValueKind() switch
            {
                null or JsonValueKind.Null => null,
                JsonValueKind.String => node.GetValue<string>() is { Length: > 0 } s ? s : null,
                // Identifiers typed as numbers in a form (e.g. 923609016) are accepted as their digits.
                JsonValueKind.Number when long.TryParse(node.ToJsonString(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) => number.ToString(CultureInfo.InvariantCulture),
                var kind => throw Invalid($"'{Display(property)}' must be a string, not {kind}."),
            };
        }
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

    private static string? Upper(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim().ToUpperInvariant();
}
