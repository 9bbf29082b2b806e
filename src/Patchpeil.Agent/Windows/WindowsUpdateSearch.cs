using System.Globalization;
using System.Text;
using System.Text.Json;
using Patchpeil.Contracts;

namespace Patchpeil.Agent.Windows;

/// <summary>
/// Updates Windows Update already knows are pending, as information only: the collector asks the Windows Update
/// Agent's COM API (Microsoft.Update.Session → IUpdateSearcher.Search) for updates not installed and not hidden, from
/// the result of the last scan Windows itself made (<c>Online = $false</c>: no download, no contact with Microsoft or
/// WSUS, so a run stays quick), and writes the fields below as JSON. The agent never installs anything.
/// </summary>
public static class WindowsUpdateSearch
{
    public const string FileName = "pendingupdates.json";

    /// <summary>
    /// The script the live collector runs (as -EncodedCommand, so no quoting reaches powershell.exe's command line).
    /// It writes UTF-8 itself: stdout would be decoded in the console's OEM code page and garble titles.
    /// LastDeploymentChangeTime is documented as UTC already, so it is formatted, not converted.
    /// </summary>
    public static string Script(string outputPath) => $$"""
        $ErrorActionPreference = 'Stop'
        $searcher = (New-Object -ComObject Microsoft.Update.Session).CreateUpdateSearcher()
        $searcher.Online = $false
        $result = $searcher.Search('IsInstalled=0 and IsHidden=0')
        $updates = @(foreach ($u in $result.Updates) {
            [ordered]@{
                Title = $u.Title
                KBArticleIDs = @($u.KBArticleIDs)
                MsrcSeverity = $u.MsrcSeverity
                Categories = @(foreach ($c in $u.Categories) { $c.Name })
                Type = [int]$u.Type
                IsDownloaded = $u.IsDownloaded
                IsMandatory = $u.IsMandatory
                LastDeploymentChangeTime = $u.LastDeploymentChangeTime.ToString('yyyy-MM-ddTHH:mm:ssZ', [Globalization.CultureInfo]::InvariantCulture)
                UpdateID = $u.Identity.UpdateID
                RevisionNumber = $u.Identity.RevisionNumber
                CveIDs = @($u.CveIDs)
            }
        })
        $json = ConvertTo-Json -Depth 4 -InputObject ([ordered]@{ ResultCode = [int]$result.ResultCode; Online = $false; Updates = $updates })
        [IO.File]::WriteAllText('{{outputPath.Replace("'", "''", StringComparison.Ordinal)}}', $json, (New-Object Text.UTF8Encoding $false))
        """;

    /// <summary>powershell.exe arguments that run <see cref="Script"/>.</summary>
    public static string[] Arguments(string outputPath) =>
        ["-NoProfile", "-NonInteractive", "-EncodedCommand", Convert.ToBase64String(Encoding.Unicode.GetBytes(Script(outputPath)))];

    /// <summary>Classification categories Windows Update gives an update; the others name the product.</summary>
    private static readonly string[] Classifications =
    [
        "Security Updates", "Critical Updates", "Updates", "Update Rollups", "Definition Updates", "Feature Packs",
        "Service Packs", "Tools", "Drivers", "Upgrades",
    ];

    /// <summary>
    /// Reads the recorded search result. A file that is not such a result is refused; an update without a title is
    /// left out and reported; a search that did not succeed yields no updates and a problem (never an empty list that
    /// looks like "nothing pending").
    /// </summary>
    public static (List<PendingUpdate> Updates, List<CollectionProblem> Problems) Read(string path)
    {
        var name = Path.GetFileName(path);
        return Parse(Decode(RecordedInput.ReadBytes(path), name), name);
    }

    public static (List<PendingUpdate> Updates, List<CollectionProblem> Problems) Parse(string json, string fileName)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new InputFormatException(fileName, (int?)e.LineNumber + 1, $"not valid JSON: {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("Updates", out var list))
            {
                throw new InputFormatException(fileName, null, "expected a JSON object with ResultCode and Updates (the Windows Update search the agent records)");
            }

            var problems = new List<CollectionProblem>();
            if (root.TryGetProperty("ResultCode", out var code) && code.ValueKind == JsonValueKind.Number && code.TryGetInt32(out var result) && result is not (2 or 3))
            {
                // OperationResultCode: 2 succeeded, 3 succeeded with errors; 0 not started, 1 in progress, 4 failed, 5 aborted.
                problems.Add(new(fileName, null, string.Create(CultureInfo.InvariantCulture, $"the Windows Update search did not succeed (ResultCode {result}); pending updates left out")));
                return ([], problems);
            }

            // ConvertTo-Json writes a single update as an object rather than a one-element array when recorded by hand without @().
            var entries = list.ValueKind switch
            {
                JsonValueKind.Array => list.EnumerateArray().ToList(),
                JsonValueKind.Object => [list],
                JsonValueKind.Null => [],
                _ => throw new InputFormatException(fileName, null, $"\"Updates\" is a {list.ValueKind}, expected an array"),
            };

            var updates = new List<PendingUpdate>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < entries.Count; i++)
            {
                var entry = entries[i];
                var title = entry.ValueKind == JsonValueKind.Object ? Text(entry, "Title") : null;
                if (string.IsNullOrWhiteSpace(title))
                {
                    problems.Add(new(fileName, null, string.Create(CultureInfo.InvariantCulture, $"Updates[{i}]: no \"Title\"; left out")));
                    continue;
                }

                // The same update can be offered in two revisions; one line is enough.
                var id = Text(entry, "UpdateID") ?? title;
                if (!seen.Add(id))
                {
                    continue;
                }

                var kbs = Strings(entry, "KBArticleIDs")
                    .Select(kb => kb.Trim())
                    .Where(kb => kb.Length > 0)
                    .Select(kb => kb.StartsWith("KB", StringComparison.OrdinalIgnoreCase) ? kb.ToUpperInvariant() : "KB" + kb)
                    .Distinct(StringComparer.Ordinal)
                    .ToList();
                var categories = Strings(entry, "Categories").ToList();
                var classification = categories.FirstOrDefault(c => Classifications.Contains(c, StringComparer.OrdinalIgnoreCase))
                    ?? (entry.TryGetProperty("Type", out var type) && type.ValueKind == JsonValueKind.Number && type.TryGetInt32(out var t) && t == 2 ? "Drivers" : null);
                var severity = Text(entry, "MsrcSeverity");
                updates.Add(new PendingUpdate(
                    title.Trim(),
                    "",
                    string.Join(", ", kbs),
                    classification is null ? "Windows Update" : $"Windows Update: {classification}",
                    string.IsNullOrWhiteSpace(severity) ? null : severity.Trim()));
            }

            return (updates, problems);
        }
    }

    /// <summary>UTF-8 (with or without byte order mark) as the collector writes it, or UTF-16 LE as Windows PowerShell 5.1's Out-File and '>' write by hand.</summary>
    private static string Decode(byte[] bytes, string fileName)
    {
        if (bytes is [0xFF, 0xFE, ..])
        {
            return Encoding.Unicode.GetString(bytes, 2, bytes.Length - 2);
        }

        try
        {
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
        }
        catch (DecoderFallbackException)
        {
            throw new InputFormatException(fileName, null, "neither UTF-8 nor UTF-16 LE with a byte order mark");
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static IEnumerable<string> Strings(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return [];
        }

        return value.ValueKind switch
        {
            JsonValueKind.Array => value.EnumerateArray().Where(v => v.ValueKind is JsonValueKind.String or JsonValueKind.Number).Select(v => v.ToString()),
            JsonValueKind.String or JsonValueKind.Number => [value.ToString()],
            _ => [],
        };
    }
}
