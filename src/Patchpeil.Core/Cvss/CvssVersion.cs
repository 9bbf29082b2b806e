namespace Patchpeil.Core.Cvss;

/// <summary>The CVSS specification a vector follows.</summary>
public enum CvssVersion
{
    /// <summary>CVSS v2.0: no prefix, e.g. <c>AV:N/AC:L/Au:N/C:P/I:P/A:P</c>.</summary>
    Cvss20,

    /// <summary>CVSS v3.0: <c>CVSS:3.0/…</c>.</summary>
    Cvss30,

    /// <summary>CVSS v3.1: <c>CVSS:3.1/…</c>.</summary>
    Cvss31,

    /// <summary>CVSS v4.0: <c>CVSS:4.0/…</c>.</summary>
    Cvss40,
}

/// <summary>Qualitative severity rating of a score.</summary>
/// <remarks>
/// CVSS v3.x and v4.0 use all five bands (None 0.0, Low 0.1–3.9, Medium 4.0–6.9, High 7.0–8.9, Critical 9.0–10.0).
/// CVSS v2 only defines Low 0.0–3.9, Medium 4.0–6.9 and High 7.0–10.0 (NVD's mapping), so a v2 score is never None or
/// Critical.
/// </remarks>
public enum CvssSeverity
{
    None,
    Low,
    Medium,
    High,
    Critical,
}
