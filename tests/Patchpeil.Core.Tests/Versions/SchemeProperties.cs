using FsCheck;
using FsCheck.Fluent;
using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Tests.Versions;

/// <summary>Order laws every ordered scheme must satisfy, checked with FsCheck on hostile-but-realistic generators.</summary>
public static class SchemeProperties
{
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(3000);

    /// <summary>A string built from fragments (so separators, digits and markers meet in odd places).</summary>
    public static Gen<string> FromFragments(params string[] fragments) =>
        Gen.Elements(fragments).ArrayOf().Select(parts => string.Concat(parts));

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
