using System.Text.Json.Nodes;
using ProcurementFlows.Registries.Vetting;
using ProcurementFlows.Runtime.ServiceTasks;

namespace ProcurementFlows.Registries.Tests;

/// <summary>Bad process variables give a clear permanent failure (an incident) and send nothing to the registry.</summary>
public sealed class InputTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    public static TheoryData<string, string?, string> BadInputs() => new()
    {
        { CompanyLookupHandler.TopicName, null, "The process variable 'supplier' is missing" },
        { CompanyLookupHandler.TopicName, "\"Nordlys\"", "'supplier' must be a JSON object, not String" },
        { CompanyLookupHandler.TopicName, "{\"country\":\"NO\",\"orgNumber\":\"923456783\"}", "'supplier.name' is required" },
        { CompanyLookupHandler.TopicName, "{\"name\":\"X AS\",\"country\":\"NO\",\"orgNumber\":\"923456784\"}", "'923456784' is not a valid Norwegian organisation number" },
        { CompanyLookupHandler.TopicName, "{\"name\":\"X AS\",\"country\":\"NO\"}", "supplier.orgNumber is required for a Norwegian supplier" },
        { CompanyLookupHandler.TopicName, "{\"name\":\"X AS\",\"country\":\"Norway\"}", "'supplier.country' must be an ISO 3166-1 alpha-2 code" },
        { CompanyLookupHandler.TopicName, "{\"name\":\"X AS\",\"orgNumber\":{\"id\":1}}", "'supplier.orgNumber' must be a string, not Object" },
        { CompanyLookupHandler.TopicName, "{\"name\":\"X Inc\",\"uei\":\"IOIOIOIOIOIO\"}", "is not a SAM.gov Unique Entity ID" },
        { LeiCheckHandler.TopicName, "{\"name\":\"X AS\",\"lei\":\"5493001NRDLYSFT9K237\"}", "is not a valid LEI" },
        { ExclusionsCheckHandler.TopicName, "{\"name\":\"X Inc\",\"cageCode\":\"12\"}", "is not a CAGE code" },
        { SanctionsScreeningHandler.TopicName, "{\"name\":\"X AS\",\"kind\":\"robot\"}", "'supplier.kind' must be 'company' or 'person'" },
        { SanctionsScreeningHandler.TopicName, "{\"name\":\"X AS\",\"persons\":[{\"birthDate\":\"1970\"}]}", "Every entry of 'supplier.persons' must be an object with a 'name'" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_supplier_input_is_a_clear_permanent_failure(string topic, string? supplierJson, string expected)
    {
        var before = fixture.Host.Sandbox.Requests.All.Count;
        var variables = new Dictionary<string, JsonNode?>();
        if (supplierJson is not null)
        {
            variables["supplier"] = JsonNode.Parse(supplierJson);
        }

        var result = await fixture.Host.RunAsync(topic, variables);

        var failed = Assert.IsType<ServiceTaskResult.Failed>(result);
        Assert.False(failed.Retryable);
        Assert.Contains(expected, failed.Message, StringComparison.Ordinal);
        Assert.Contains("error=InvalidVettingInputException", failed.Details, StringComparison.Ordinal);
        Assert.Equal(before, fixture.Host.Sandbox.Requests.All.Count);
    }

    [Theory]
    [InlineData("[\"a\", 3]")]
    [InlineData("\"NK-1\"")]
    public async Task Cleared_ids_must_be_an_array_of_strings(string cleared)
    {
        var result = await fixture.Host.RunAsync(SanctionsScreeningHandler.TopicName, new Dictionary<string, JsonNode?>
        {
            ["supplier"] = new JsonObject { ["name"] = "X AS" },
            ["sanctionsClearedIds"] = JsonNode.Parse(cleared),
        });

        var failed = Assert.IsType<ServiceTaskResult.Failed>(result);
        Assert.False(failed.Retryable);
        Assert.Contains("'sanctionsClearedIds' must be an array of entity id strings", failed.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("\"UA-2026-03-02-000417-a\"")]
    [InlineData("42")]
    public async Task Tender_lookup_needs_a_prozorro_id(string? tenderId)
    {
        var variables = new Dictionary<string, JsonNode?>();
        if (tenderId is not null)
        {
            variables["tenderId"] = JsonNode.Parse(tenderId);
        }

        var failed = Assert.IsType<ServiceTaskResult.Failed>(await fixture.Host.RunAsync(TenderLookupHandler.TopicName, variables));

        Assert.False(failed.Retryable);
        Assert.Contains("'tenderId' must be a Prozorro tender id", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_org_number_typed_as_a_number_is_accepted()
    {
        var findings = await fixture.Host.FindingsAsync(CompanyLookupHandler.TopicName, new JsonObject { ["name"] = "Fjordvakt", ["country"] = "NO", ["orgNumber"] = 934567897 });

        Assert.Equal("hit", findings["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Flat_inputs_mapped_by_the_shipped_vetting_diagram_are_understood()
    {
        // workflows/supplier-vetting.bpmn maps supplierName, country, registrationScheme, registrationNumber and lei.
        var variables = new Dictionary<string, JsonNode?>
        {
            ["supplierName"] = "Polar Optronics AS",
            ["country"] = "NO",
            ["registrationScheme"] = "NO-BRC",
            ["registrationNumber"] = "913579135",
            ["lei"] = "549300PLRPTRNX7VL372",
        };

        var company = await fixture.Host.FindingsAsync(CompanyLookupHandler.TopicName, variables);
        var lei = await fixture.Host.FindingsAsync(LeiCheckHandler.TopicName, variables);
        variables["lei"] = null;
        variables["registrationScheme"] = "XI-LEI";
        variables["registrationNumber"] = "549300PLRPTRNX7VL372";
        var leiAsRegistration = await fixture.Host.FindingsAsync(LeiCheckHandler.TopicName, variables);
        variables["registrationNumber"] = 913579135;
        variables["registrationScheme"] = "NO-BRC";
        variables["supplierName"] = null;
        var missingName = Assert.IsType<ServiceTaskResult.Failed>(await fixture.Host.RunAsync(CompanyLookupHandler.TopicName, variables));

        Assert.Equal("clear", company["status"]!.GetValue<string>());
        Assert.Equal("needs-review", lei["status"]!.GetValue<string>());
        Assert.Equal("needs-review", leiAsRegistration["status"]!.GetValue<string>());
        Assert.Contains("The process variable 'supplier' is missing", missingName.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Flat_input_errors_name_the_flat_variable()
    {
        var result = await fixture.Host.RunAsync(CompanyLookupHandler.TopicName, new Dictionary<string, JsonNode?>
        {
            ["supplierName"] = "X AS",
            ["registrationNumber"] = new JsonArray(1),
        });

        var failed = Assert.IsType<ServiceTaskResult.Failed>(result);
        Assert.Contains("'registrationNumber' must be a string, not Array", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_supplier_object_accepts_the_forms_identifier_names()
    {
        var findings = await fixture.Host.FindingsAsync(
            CompanyLookupHandler.TopicName,
            new JsonObject { ["name"] = "Fjordvakt", ["country"] = "NO", ["identifierScheme"] = "NO-BRC", ["identifierId"] = "934567897" });

        Assert.Equal("hit", findings["status"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("923456783", true)]
    [InlineData("934567897", true)]
    [InlineData("923456784", false)]
    [InlineData("12345678", false)]
    [InlineData("92345678X", false)]
    public void Norwegian_org_numbers_are_checked_with_modulus_11(string value, bool valid) =>
        Assert.Equal(valid, Identifiers.IsNorwegianOrgNumber(value));

    [Theory]
    [InlineData("HWUPKR0MPOU8FGXBT394", true)]
    [InlineData("5493001NRDLYSFT9K236", true)]
    [InlineData("5493001NRDLYSFT9K237", false)]
    [InlineData("hwupkr0mpou8fgxbt394", false)]
    [InlineData("HWUPKR0MPOU8FGXBT39", false)]
    public void Leis_are_checked_with_iso_7064_mod_97(string value, bool valid) =>
        Assert.Equal(valid, Identifiers.IsLei(value));
}
