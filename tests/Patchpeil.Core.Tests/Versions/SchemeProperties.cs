using FsCheck;
using FsCheck.Fluent;
using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Tests.Versions;

/// <summary>Order laws every ordered scheme must satisfy, checked with FsCheck on hostile-but-realistic generators.</summary>
public static class SchemeProperties
{
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(2000);

    /// <summary>A string built from fragments (so separators, digits and markers meet in odd places).</summary>
    public static Gen<string> FromFragments(params string[] fragments) =>
        Gen.Choose(0, 12).SelectMany(n => Gen.Elements(fragments).ArrayOf(n)).Select(parts => string.Concat(parts));

    /// <summary>
    /// Realistic shapes: an optional prefix, 1–5 dot-separated numbers, optional "-" or "_" or "~" suffix identifiers
    /// and "+" metadata, mixed half-and-half with fragment soup so both valid and invalid text occur.
    /// </summary>
    public static Gen<string> Structured(string[] prefixes, string[] numbers, string[] suffixSeparators, string[] identifiers, string[] soup)
    {
        var core = Gen.Choose(1, 5).SelectMany(n => Gen.Elements(numbers).ArrayOf(n)).Select(a => string.Join('.', a));
        var ids = Gen.Choose(0, 3).SelectMany(n => Gen.Elements(identifiers).ArrayOf(n)).Select(a => string.Join('.', a));
        var suffix = Gen.Zip(Gen.Elements(suffixSeparators), ids).Select(t => t.Item2.Length == 0 ? string.Empty : t.Item1 + t.Item2);
        var build = Gen.Elements(string.Empty, string.Empty, "+build.5", "+AA", "+incompatible");
        var structured = Gen.Zip(Gen.Elements(prefixes), Gen.Zip(core, Gen.Zip(suffix, build)))
            .Select(t => t.Item1 + t.Item2.Item1 + t.Item2.Item2.Item1 + t.Item2.Item2.Item2);
        return Gen.OneOf(structured, structured, FromFragments(soup));
    }

    public static void Check(VersionScheme scheme, Gen<string> versions)
    {
        var triples = Gen.Zip(versions, Gen.Zip(versions, versions)).ToArbitrary();

        // Antisymmetry and reflexivity of the raw comparison, for every input.
        Check(Prop.ForAll(triples, t =>
        {
            var (a, (b, _)) = t;
            return scheme.Compare(a, a) == 0 && scheme.Compare(a, b) == -scheme.Compare(b, a)
                && scheme.Compare(a, b) is -1 or 0 or 1;
        }).Label("antisymmetry"));

        // Transitivity of the raw comparison (including equality), for every input.
        Check(Prop.ForAll(triples, t =>
        {
            var (a, (b, c)) = t;
            var ab = scheme.Compare(a, b);
            var bc = scheme.Compare(b, c);
            var ac = scheme.Compare(a, c);
            return ab switch
            {
                < 0 when bc <= 0 => ac < 0,
                > 0 when bc >= 0 => ac > 0,
                0 => ac == bc,
                _ => true,
            };
        }).Label("transitivity"));

        // Key order equals raw order whenever both texts parse; parsing never throws.
        Check(Prop.ForAll(triples, t =>
        {
            var (a, (b, _)) = t;
            var okA = scheme.TryParse(a, out var ka, out var pa);
            var okB = scheme.TryParse(b, out var kb, out var pb);
            if ((okA && pa is not null) || (!okA && pa is null) || (okB && pb is not null) || (!okB && pb is null))
            {
                return false;
            }

            return !okA || !okB || (ka.CompareTo(kb) == scheme.Compare(a, b) && (ka == kb) == (scheme.Compare(a, b) == 0));
        }).Label("raw order equals key order"));
    }

    private static void Check(Property property) => FsCheck.Check.One(Config, property);
}
