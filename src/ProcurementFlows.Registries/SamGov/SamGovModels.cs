namespace ProcurementFlows.Registries.SamGov;

// Shapes of api.sam.gov entity-information v3 entities and v4 exclusions.

internal sealed record SamEntityResponse
{
    public int? TotalRecords { get; init; }

    public IReadOnlyList<SamEntity>? EntityData { get; init; }
}

internal sealed record SamEntity(SamEntityRegistration? EntityRegistration);

internal sealed record SamEntityRegistration
{
    public string? SamRegistered { get; init; }

    public string? UeiSAM { get; init; }

    public string? CageCode { get; init; }

    public string? LegalBusinessName { get; init; }

    public string? PurposeOfRegistrationDesc { get; init; }

    public string? RegistrationStatus { get; init; }

    public string? RegistrationExpirationDate { get; init; }

    public string? UeiStatus { get; init; }

    public string? ExclusionStatusFlag { get; init; }
}

internal sealed record SamExclusionsResponse
{
    public int? TotalRecords { get; init; }

    public IReadOnlyList<SamExclusion>? ExcludedEntity { get; init; }
}

internal sealed record SamExclusion
{
    public SamExclusionDetails? ExclusionDetails { get; init; }

    public SamExclusionIdentification? ExclusionIdentification { get; init; }

    public SamExclusionActions? ExclusionActions { get; init; }

    public SamExclusionAddress? ExclusionPrimaryAddress { get; init; }
}

internal sealed record SamExclusionDetails
{
    public string? ClassificationType { get; init; }

    public string? ExclusionType { get; init; }

    public string? ExclusionProgram { get; init; }

    public string? ExcludingAgencyCode { get; init; }

    public string? ExcludingAgencyName { get; init; }
}

internal sealed record SamExclusionIdentification
{
    public string? UeiSAM { get; init; }

    public string? CageCode { get; init; }

    public string? EntityName { get; init; }
}

internal sealed record SamExclusionActions(IReadOnlyList<SamExclusionAction>? ListOfActions);

internal sealed record SamExclusionAction
{
    public string? CreateDate { get; init; }

    public string? UpdateDate { get; init; }

    public string? ActivateDate { get; init; }

    public string? TerminationDate { get; init; }

    public string? TerminationType { get; init; }

    public string? RecordStatus { get; init; }
}

internal sealed record SamExclusionAddress(string? City, string? ZipCode, string? CountryCode);

/// <summary>SAM.gov's throttling body: <c>{"code":"900804","message":"Message throttled out",...}</c>.</summary>
internal sealed record SamThrottled(string? Code, string? Message, string? Description, string? NextAccessTime);
