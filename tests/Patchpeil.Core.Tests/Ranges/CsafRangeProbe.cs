using System.Text.Json;
using Patchpeil.Core.Ranges;

namespace Patchpeil.Core.Tests.Ranges;

public class CsafRangeProbe
{
    [Fact]
    public void Probe()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Fixtures.Path("identities", "csaf", "product-version-ranges.json")));
        foreach (var r in doc.RootElement.GetProperty("ranges").EnumerateArray())
        {
            var name = r.GetProperty("name").GetString()!;
            var p = CsafVersionRange.Parse(name);
            TestContext.Current.SendDiagnosticMessage($"[{name}] => {p.Confidence} | {p.Range} | {string.Join(", ", p.Repairs)} | {p.Problem}");
        }
    }
}
