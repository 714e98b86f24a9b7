using System.Text.Json;
using System.Text.Json.Serialization;
using ProcurementFlows.Registries.Brreg;
using ProcurementFlows.Registries.Gleif;
using ProcurementFlows.Registries.OpenSanctions;
using ProcurementFlows.Registries.Prozorro;
using ProcurementFlows.Registries.SamGov;

namespace ProcurementFlows.Registries;

/// <summary>Source-generated JSON metadata for every registry shape (no reflection-based JSON).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BrregEntity))]
[JsonSerializable(typeof(BrregRemoved))]
[JsonSerializable(typeof(BrregRoles))]
[JsonSerializable(typeof(List<BrregAnnualAccounts>))]
[JsonSerializable(typeof(MatchRequest))]
[JsonSerializable(typeof(MatchResponse))]
[JsonSerializable(typeof(YenteError))]
[JsonSerializable(typeof(GleifLeiRecordDocument))]
[JsonSerializable(typeof(SamEntityResponse))]
[JsonSerializable(typeof(SamExclusionsResponse))]
[JsonSerializable(typeof(SamThrottled))]
[JsonSerializable(typeof(ProzorroEnvelope<ProzorroTender>))]
[JsonSerializable(typeof(ProzorroEnvelope<ProzorroContract>))]
[JsonSerializable(typeof(ProzorroFeedPage))]
internal sealed partial class RegistriesJsonContext : JsonSerializerContext;
