using System.Text.RegularExpressions;

namespace Patchpeil.Core.Feeds.Csaf;

/// <summary>
/// Finds the NCSC-NL label of a CSAF document.
/// Assumptions (no NCSC-NL CSAF document was available to check against; see FORMATS.md §1.7):
/// 1. NCSC-NL publishes CSAF with publisher name/namespace naming NCSC (advisories.ncsc.nl, ncsc.nl), lang "nl".
/// 2. The Urgent/Normaal label is most likely carried in <c>document.aggregate_severity.text</c> (the CSAF place for a
///    publisher's overall rating), so that is read first: "Urgent", "Normaal"/"Normal" (any case).
/// 3. Older advisories rate kans (likelihood) and schade (impact), e.g. "kans: medium, schade: high" or the words
///    "medium"/"high" in separate notes titled "Kans"/"Schade" (English "Probability"/"Likelihood", "Damage"/"Impact").
///    Both forms are read from aggregate_severity.text and from document notes with such titles.
/// The label is only taken from these structured places, never guessed from free prose. The label is parsed for any
/// publisher (a CSIRT could reuse the scheme), and <see cref="NcscLabel.Evidence"/> says where it was found.
/// When real NCSC-NL documents become available, replace these assumptions by tests on them.
/// </summary>
internal static partial class NcscLabels
{
    public static NcscLabel? Find(CsafHeader header)
    {
        NcscUrgency? urgency = null;
        string? likelihood = null, impact = null, evidence = null;

        if (header.AggregateSeverity is { } severity)
        {
            urgency = Urgency(severity.Text);
            (likelihood, impact) = KansSchade(severity.Text);
            if (urgency is not null || likelihood is not null || impact is not null)
            {
                evidence = "/document/aggregate_severity/text";
            }
        }

        for (var i = 0; i < header.Notes.Count; i++)
        {
            var note = header.Notes[i];
            var title = note.Title?.Trim().ToLowerInvariant();
            var path = $"/document/notes/{i}/text";
            switch (title)
            {
                case "kans" or "probability" or "likelihood":
                    likelihood ??= note.Text.Trim();
                    evidence ??= path;
                    break;
                case "schade" or "damage" or "impact":
                    impact ??= note.Text.Trim();
                    evidence ??= path;
                    break;
                case "urgentie" or "label" or "classificatie" or "urgency":
                    urgency ??= Urgency(note.Text);
                    evidence ??= urgency is null ? null : path;
                    break;
                default:
                    break;
            }
        }

        return evidence is null ? null : new NcscLabel(urgency, likelihood, impact, evidence);
    }

    private static NcscUrgency? Urgency(string text) => text.Trim().ToLowerInvariant() switch
    {
        "urgent" => NcscUrgency.Urgent,
        "normaal" or "normal" => NcscUrgency.Normaal,
        _ => null,
    };

    private static (string? Likelihood, string? Impact) KansSchade(string text)
    {
        var kans = Kans().Match(text);
        var schade = Schade().Match(text);
        return (kans.Success ? kans.Groups[1].Value.ToLowerInvariant() : null, schade.Success ? schade.Groups[1].Value.ToLowerInvariant() : null);
    }

    [GeneratedRegex(@"\b(?:kans|probability|likelihood)\s*[:=]?\s*(low|medium|high|laag|middel|hoog)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Kans();

    [GeneratedRegex(@"\b(?:schade|damage|impact)\s*[:=]?\s*(low|medium|high|laag|middel|hoog)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Schade();
}
