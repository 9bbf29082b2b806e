using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Patchpeil.Core.Identities;
using Patchpeil.Core.Ranges;
using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Tests.Ranges;

/// <summary>No exception escapes the parsers and evaluators, whatever the text.</summary>
public class HostileInputProperties
{
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(10_000);

    private static Gen<string> Text()
    {
        var fragments = new[]
        {
            "pkg:", "vers:", "cpe:2.3:", "cpe:/", "npm", "deb", "all", "generic", "/", ":", "@", "?", "#", "&", "=", "%", "%2", "%2F",
            "%ZZ", "%C3", "|", "||", "<", ">", "<=", ">=", "!=", "*", "?", "\\", "~", "1", "0", "1.0", "V2.3", " ", "\t", "\u0000",
            "\u00e9", "\ud83d", "x", "All versions", "prior to", ",", ".", "-", "_", "a", "Z",
        };
        return Gen.Choose(0, 40).SelectMany(n => Gen.Elements(fragments).ArrayOf(n)).Select(parts => string.Concat(parts));
    }

    [Fact]
    public void ParsersNeverThrow()
    {
        var schemes = VersionSchemes.All;
        Check.One(Config, Prop.ForAll(Text().ToArbitrary(), text =>
        {
            // Success and error are exclusive, and a success round-trips.
            if (PackageUrl.TryParse(text, out var strict, out var strictError) == strictError is not null)
            {
                return false;
            }

            if (strict is not null && !PackageUrl.Parse(strict.ToString()).Equals(strict))
            {
                return false;
            }

            if (PackageUrl.TryCanonicalize(text, out var canonical, out var canonicalError) && !PackageUrl.TryParse(canonical, PurlParseMode.Lenient, out _, out _))
            {
                return false;
            }

            _ = canonicalError;
            if (Cpe.TryParse(text, out var cpe, out _))
            {
                _ = cpe!.ToUri();
                _ = cpe.Compare(cpe);
            }

            if (VersRange.TryParse(text, out _, out var versError) == versError is not null)
            {
                return false;
            }

            if (VersRange.TryParse(text, VersParseMode.Lenient, null, out var vers, out _))
            {
                _ = vers!.Simplify();
                _ = vers.Contains("1.0");
            }

            foreach (var scheme in schemes)
            {
                _ = CsafVersionRange.Parse(text, scheme).Contains(text);
            }

            return NpmNativeRange.TryConvert(text, out _, out var npmError) != npmError is not null;
        }));
    }

    [Fact]
    public void DeeplyNestedNvdNodesAreRejected()
    {
        var json = "[{\"nodes\":[" + string.Concat(Enumerable.Repeat("{\"operator\":\"OR\",\"children\":[", 40)) + "{}"
            + string.Concat(Enumerable.Repeat("]}", 40)) + "]}]";
        using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
        Assert.False(NvdConfiguration.TryParseAll(doc.RootElement, out _, out var error));
        Assert.Contains("deeply", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ManyCpeMatchesAndInstalledItemsStayTractable()
    {
        var matches = Enumerable.Range(0, 2000)
            .Select(i => new NvdCpeMatch(true, Cpe.Parse($"cpe:2.3:a:vendor:product{i}:*:*:*:*:*:*:*:*"), VersionEndExcluding: "2.0"))
            .ToList();
        var config = new NvdConfiguration(false, false, [new NvdNode(false, false, matches, [])]);
        var installed = Enumerable.Range(0, 500).Select(i => new InstalledCpe(Cpe.Parse($"cpe:2.3:a:vendor:other{i}:1.0:*:*:*:*:*:*:*"))).ToList();
        installed.Add(new InstalledCpe(Cpe.Parse("cpe:2.3:a:vendor:product1999:*:*:*:*:*:*:*:*"), "1.5"));
        var match = NvdEvaluator.Evaluate([config], installed, _ => VersionSchemes.Get(VersionSchemeKind.Generic));
        Assert.Equal(RangeVerdict.Inside, match.Verdict);
    }
}
