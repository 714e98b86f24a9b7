namespace ProcurementFlows.Registries.Vetting;

/// <summary>Format and check-digit validation of the identifiers vetting sends to registries.</summary>
public static class Identifiers
{
    private static readonly int[] OrgNumberWeights = [3, 2, 7, 6, 5, 4, 3, 2];

    /// <summary>A Norwegian organisation number: 9 digits with a modulus-11 check digit.</summary>
    public static bool IsNorwegianOrgNumber(string? value)
    {
        if (value is not { Length: 9 } || !value.All(char.IsAsciiDigit))
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 8; i++)
        {
            sum += (value[i] - '0') * OrgNumberWeights[i];
        }

        var check = 11 - (sum % 11);
        if (check == 11)
        {
            check = 0;
        }

        return check != 10 && check == value[8] - '0';
    }

    /// <summary>An ISO 17442 LEI: 18 alphanumerics and two check digits (ISO 7064 MOD 97-10).</summary>
    public static bool IsLei(string? value)
    {
        if (value is not { Length: 20 } || !value.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterUpper(c)))
        {
            return false;
        }

        var remainder = 0;
        foreach (var c in value)
        {
            var digits = char.IsAsciiDigit(c) ? c - '0' : c - 'A' + 10;
            remainder = digits >= 10 ? ((remainder * 100) + digits) % 97 : ((remainder * 10) + digits) % 97;
        }

        return remainder == 1;
    }

    /// <summary>A SAM.gov Unique Entity ID: 12 alphanumerics (SAM avoids the letters I and O).</summary>
    public static bool IsUei(string? value) =>
        value is { Length: 12 } && value.All(c => char.IsAsciiDigit(c) || (char.IsAsciiLetterUpper(c) && c is not 'I' and not 'O'));

    /// <summary>A CAGE / NCAGE code: 5 alphanumerics.</summary>
    public static bool IsCageCode(string? value) =>
        value is { Length: 5 } && value.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterUpper(c));

    /// <summary>A Prozorro object id: 32 lowercase hex digits.</summary>
    public static bool IsProzorroId(string? value) =>
        value is { Length: 32 } && value.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}
