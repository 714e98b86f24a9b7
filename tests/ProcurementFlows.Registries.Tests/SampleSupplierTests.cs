using System.Text.Json.Nodes;
using ProcurementFlows.Registries.Vetting;
using ProcurementFlows.RegistrySandbox;

namespace ProcurementFlows.Registries.Tests;

/// <summary>Every handler against the sandbox, for every documented sample supplier, over real loopback HTTP.</summary>
public sealed class SampleSupplierTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    private RegistryTestHost Host => fixture.Host;

    public static TheoryData<string, string, string> Expectations()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var supplier in SampleData.Load().Suppliers)
        {
            foreach (var (topic, status) in (JsonObject)supplier!["expected"]!)
            {
                data.Add(supplier["key"]!.GetValue<string>(), topic, status!.GetValue<string>());
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Expectations))]
    public async Task Each_sample_supplier_gets_its_documented_status(string key, string topic, string expectedStatus)
    {
        var sample = RegistryTestHost.SampleSupplier(Host.Sandbox.Data, key);
        var variables = new Dictionary<string, JsonNode?> { ["supplier"] = sample["supplier"]!.DeepClone() };
        if (sample["tenderId"] is { } tenderId)
        {
            variables["tenderId"] = tenderId.DeepClone();
        }

        var findings = await Host.FindingsAsync(topic, variables);

        Assert.Equal(expectedStatus, findings["status"]!.GetValue<string>());
        Assert.Equal(topic, findings["check"]!.GetValue<string>());
        Assert.Equal(expectedStatus != "clear", findings["requiresReview"]!.GetValue<bool>());
        Assert.False(string.IsNullOrWhiteSpace(findings["summary"]!.GetValue<string>()));
        Assert.True(DateTimeOffset.TryParse(findings["retrievedAt"]!.GetValue<string>(), out _));
        if (expectedStatus is "hit" or "needs-review" or "not-found")
        {
            Assert.NotEmpty(findings["reasons"]!.AsArray());
        }
    }

    [Fact]
    public async Task Clean_supplier_company_lookup_reads_entity_roles_and_accounts()
    {
        var findings = await Host.FindingsAsync(CompanyLookupHandler.TopicName, Host.Supplier("clean"));

        Assert.Equal("clear", findings["status"]!.GetValue<string>());
        var evidence = findings["evidence"]!;
        Assert.Equal("NORDLYS FORSVARSTEKNIKK AS", evidence["navn"]!.GetValue<string>());
        Assert.Equal("Enhet", evidence["responsKlasse"]!.GetValue<string>());
        Assert.Contains(evidence["roles"]!.AsArray(), r => r!["role"]!.GetValue<string>() == "DAGL" && r["name"]!.GetValue<string>() == "Kari Nordmann");
        Assert.Equal(48200000m, evidence["annualAccounts"]!["equity"]!.GetValue<decimal>());
        var source = findings["source"]!;
        Assert.Equal("brreg", source["registry"]!.GetValue<string>());
        Assert.Equal(
            ["GET /brreg/enhetsregisteret/api/enheter/923456783", "GET /brreg/enhetsregisteret/api/enheter/923456783/roller", "GET /brreg/regnskapsregisteret/regnskap/923456783"],
            source["requests"]!.AsArray().Select(r => r!.GetValue<string>()));
    }

    [Fact]
    public async Task Bankrupt_supplier_is_a_hit_naming_the_bankruptcy_date()
    {
        var findings = await Host.FindingsAsync(CompanyLookupHandler.TopicName, Host.Supplier("bankrupt"));

        Assert.Equal("hit", findings["status"]!.GetValue<string>());
        Assert.Contains(findings["reasons"]!.AsArray(), r => r!.GetValue<string>().Contains("konkurs", StringComparison.Ordinal) && r.GetValue<string>().Contains("2026-09-14", StringComparison.Ordinal));
        Assert.True(findings["evidence"]!["konkurs"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Dissolving_supplier_lists_winding_up_and_compulsory_dissolution()
    {
        var findings = await Host.FindingsAsync(CompanyLookupHandler.TopicName, Host.Supplier("dissolving"));

        var reasons = findings["reasons"]!.AsArray().Select(r => r!.GetValue<string>()).ToList();
        Assert.Equal("hit", findings["status"]!.GetValue<string>());
        Assert.Contains(reasons, r => r.Contains("under avvikling", StringComparison.Ordinal) && r.Contains("2026-06-02", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("no annual accounts filed since 2026-03-20", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deleted_entity_answered_with_200_is_deleted_not_active()
    {
        var findings = await Host.FindingsAsync(CompanyLookupHandler.TopicName, Host.Supplier("deleted"));

        Assert.Equal("hit", findings["status"]!.GetValue<string>());
        Assert.Equal("SlettetEnhet", findings["evidence"]!["responsKlasse"]!.GetValue<string>());
        Assert.Equal("2025-06-30", findings["evidence"]!["slettedato"]!.GetValue<string>());
        Assert.Contains("not an active entity", findings["reasons"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single(findings["source"]!["requests"]!.AsArray());
    }

    [Fact]
    public async Task Removed_entity_answered_with_410_is_a_hit_with_its_deletion_date()
    {
        var findings = await Host.FindingsAsync(CompanyLookupHandler.TopicName, Host.Supplier("removed"));

        Assert.Equal("hit", findings["status"]!.GetValue<string>());
        Assert.Equal(410, findings["evidence"]!["httpStatus"]!.GetValue<int>());
        Assert.Equal("2019-03-01", findings["evidence"]!["slettedato"]!.GetValue<string>());
    }

    [Fact]
    public async Task Negative_equity_in_the_latest_accounts_needs_review()
    {
        var findings = await Host.FindingsAsync(CompanyLookupHandler.TopicName, Host.Supplier("negative-equity"));

        Assert.Equal("needs-review", findings["status"]!.GetValue<string>());
        Assert.Equal("2025-12-31", findings["evidence"]!["annualAccounts"]!["periodTo"]!.GetValue<string>());
        Assert.Contains("Negative equity", findings["reasons"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Active_entity_with_lapsed_lei_needs_review_with_both_statuses()
    {
        var findings = await Host.FindingsAsync(LeiCheckHandler.TopicName, Host.Supplier("lapsed-lei"));

        Assert.Equal("needs-review", findings["status"]!.GetValue<string>());
        Assert.Equal("ACTIVE", findings["evidence"]!["entityStatus"]!.GetValue<string>());
        Assert.Equal("LAPSED", findings["evidence"]!["registrationStatus"]!.GetValue<string>());
        Assert.Equal(["GET /gleif/api/v1/lei-records/549300PLRPTRNX7VL372"], findings["source"]!["requests"]!.AsArray().Select(r => r!.GetValue<string>()));
    }

    [Fact]
    public async Task Inactive_entity_with_retired_lei_is_a_hit()
    {
        var findings = await Host.FindingsAsync(LeiCheckHandler.TopicName, Host.Supplier("deleted"));

        var reasons = findings["reasons"]!.AsArray().Select(r => r!.GetValue<string>()).ToList();
        Assert.Equal("hit", findings["status"]!.GetValue<string>());
        Assert.Contains(reasons, r => r.Contains("INACTIVE", StringComparison.Ordinal) && r.Contains("DISSOLVED", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("RETIRED", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Lei_registered_under_another_org_number_needs_review()
    {
        var supplier = Host.Supplier("clean");
        supplier["orgNumber"] = "913579135";

        var findings = await Host.FindingsAsync(LeiCheckHandler.TopicName, supplier);

        Assert.Equal("needs-review", findings["status"]!.GetValue<string>());
        Assert.Contains("923456783", findings["reasons"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Supplier_without_lei_is_not_found_without_calling_gleif()
    {
        var before = Host.Sandbox.Requests.For(SandboxRegistries.Gleif).Count;

        var findings = await Host.FindingsAsync(LeiCheckHandler.TopicName, new JsonObject { ["name"] = "No LEI AS", ["country"] = "NO" });

        Assert.Equal("not-found", findings["status"]!.GetValue<string>());
        Assert.Equal(before, Host.Sandbox.Requests.For(SandboxRegistries.Gleif).Count);
    }

    [Fact]
    public async Task Sanctioned_company_is_a_hit_with_score_datasets_and_topics()
    {
        var findings = await Host.FindingsAsync(SanctionsScreeningHandler.TopicName, Host.Supplier("sanctioned"));

        Assert.Equal("hit", findings["status"]!.GetValue<string>());
        Assert.True(findings["requiresReview"]!.GetValue<bool>());
        var match = Assert.Single(findings["evidence"]!["matches"]!.AsArray())!;
        Assert.Equal("NK-sbx7VolkovArmsTrd", match["id"]!.GetValue<string>());
        Assert.True(match["score"]!.GetValue<double>() >= 0.7);
        Assert.Equal(["eu_fsf", "us_ofac_sdn", "gb_hmt_sanctions"], match["datasets"]!.AsArray().Select(d => d!.GetValue<string>()));
        Assert.Contains("sanction", match["topics"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Contains("compliance review", findings["summary"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sanctioned_person_is_matched_as_a_person()
    {
        var findings = await Host.FindingsAsync(SanctionsScreeningHandler.TopicName, Host.Supplier("sanctioned-person"));

        var match = Assert.Single(findings["evidence"]!["matches"]!.AsArray())!;
        Assert.Equal("Person", match["schema"]!.GetValue<string>());
        Assert.Equal("Person", findings["evidence"]!["screened"]![0]!["schema"]!.GetValue<string>());
    }

    [Fact]
    public async Task Board_members_are_screened_in_the_same_batch()
    {
        var supplier = Host.Supplier("clean");
        supplier["persons"] = new JsonArray(new JsonObject { ["name"] = "Ivan Sokolov", ["birthDate"] = "1965" }, new JsonObject { ["name"] = "Kari Nordmann" });

        var findings = await Host.FindingsAsync(SanctionsScreeningHandler.TopicName, supplier);

        Assert.Equal("hit", findings["status"]!.GetValue<string>());
        var match = Assert.Single(findings["evidence"]!["matches"]!.AsArray())!;
        Assert.Equal("person-1", match["query"]!.GetValue<string>());
        Assert.Equal(3, findings["evidence"]!["screened"]!.AsArray().Count);
        Assert.All(Host.Sandbox.Requests.For(SandboxRegistries.OpenSanctions), r => Assert.Contains("threshold=0.7&limit=5&topics=sanction&topics=sanction.linked&topics=debarment", r.Query, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Clean_supplier_near_match_below_threshold_is_evidence_not_a_hit()
    {
        var findings = await Host.FindingsAsync(SanctionsScreeningHandler.TopicName, Host.Supplier("clean"));

        Assert.Equal("clear", findings["status"]!.GetValue<string>());
        var near = Assert.Single(findings["evidence"]!["nearMatches"]!.AsArray())!;
        Assert.Equal("NK-sbx-nordlys-shipping", near["id"]!.GetValue<string>());
        Assert.True(near["score"]!.GetValue<double>() < 0.7);
    }

    [Fact]
    public async Task A_hit_cleared_by_compliance_is_excluded_and_the_screening_is_clear()
    {
        var variables = new Dictionary<string, JsonNode?>
        {
            ["supplier"] = Host.Supplier("sanctioned"),
            ["sanctionsClearedIds"] = new JsonArray("NK-sbx7VolkovArmsTrd"),
        };

        var findings = await Host.FindingsAsync(SanctionsScreeningHandler.TopicName, variables);

        Assert.Equal("clear", findings["status"]!.GetValue<string>());
        Assert.Equal("NK-sbx7VolkovArmsTrd", findings["evidence"]!["clearedIds"]![0]!.GetValue<string>());
        Assert.Contains(Host.Sandbox.Requests.For(SandboxRegistries.OpenSanctions), r => r.Query.Contains("exclude_entity_ids=NK-sbx7VolkovArmsTrd", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Excluded_supplier_is_a_hit_with_the_exclusion_record()
    {
        var findings = await Host.FindingsAsync(ExclusionsCheckHandler.TopicName, Host.Supplier("excluded"));

        Assert.Equal("hit", findings["status"]!.GetValue<string>());
        var record = Assert.Single(findings["evidence"]!["activeExclusions"]!.AsArray())!;
        Assert.Equal("Ineligible (Proceedings Pending)", record["exclusionType"]!.GetValue<string>());
        Assert.Equal("DEFENSE LOGISTICS AGENCY", record["excludingAgency"]!.GetValue<string>());
        Assert.Equal("ueiSAM", findings["evidence"]!["searchedBy"]!.GetValue<string>());
    }

    [Fact]
    public async Task Exclusion_found_by_name_only_needs_review_and_inactive_records_are_clear()
    {
        var byName = await Host.FindingsAsync(ExclusionsCheckHandler.TopicName, new JsonObject { ["name"] = "Aldergate Defense Supply" });
        var inactive = await Host.FindingsAsync(ExclusionsCheckHandler.TopicName, new JsonObject { ["name"] = "Harbor Logistics Group", ["uei"] = "HRBR2LGSTX9K" });

        Assert.Equal("needs-review", byName["status"]!.GetValue<string>());
        Assert.Equal("name", byName["evidence"]!["searchedBy"]!.GetValue<string>());
        Assert.Equal("clear", inactive["status"]!.GetValue<string>());
        Assert.Equal(1, inactive["evidence"]!["inactiveRecords"]!.GetValue<int>());
    }

    [Fact]
    public async Task Ukrainian_supplier_needs_manual_registry_review_and_its_tender_award_is_found()
    {
        var company = await Host.FindingsAsync(CompanyLookupHandler.TopicName, Host.Supplier("ukrainian"));
        var tender = await Host.FindingsAsync(TenderLookupHandler.TopicName, new Dictionary<string, JsonNode?>
        {
            ["supplier"] = Host.Supplier("ukrainian"),
            ["tenderId"] = "a1b2c3d4e5f60718293a4b5c6d7e8f90",
        });
        var cancelled = await Host.FindingsAsync(TenderLookupHandler.TopicName, new Dictionary<string, JsonNode?> { ["tenderId"] = "0f1e2d3c4b5a69788796a5b4c3d2e1f0" });
        var missing = await Host.FindingsAsync(TenderLookupHandler.TopicName, new Dictionary<string, JsonNode?> { ["tenderId"] = "ffffffffffffffffffffffffffffffff" });

        Assert.Equal("needs-review", company["status"]!.GetValue<string>());
        Assert.Equal("UA-EDR", company["evidence"]!["scheme"]!.GetValue<string>());
        Assert.Empty(company["source"]!["requests"]!.AsArray());
        Assert.Equal("UA-2026-03-02-000417-a", tender["evidence"]!["tenderID"]!.GetValue<string>());
        Assert.True(tender["evidence"]!["supplierHasActiveAward"]!.GetValue<bool>());
        Assert.Equal("needs-review", cancelled["status"]!.GetValue<string>());
        Assert.Equal("not-found", missing["status"]!.GetValue<string>());
    }
}
