using System.Globalization;
using System.Text;

namespace Patchpeil.Peers;

/// <summary>Two version strings to compare.</summary>
public readonly record struct VersionPair(string A, string B);

/// <summary>
/// Streams seeded, reproducible pairs of version strings built from harvested real-world versions and mutated the
/// ways real versions differ: <c>~</c> pre-releases, <c>+</c> rebuilds and backports, epochs, revisions and releases,
/// dropped and duplicated segments, letters, leading zeros, off-by-one numbers and numbers longer than 64 bits.
/// Every string produced is valid for its scheme (dpkg's parser accepts it; rpm's EVR rules hold), so a
/// disagreement with the peer is about ordering, not about what counts as a version.
/// </summary>
public static class VersionCorpus
{
    public const ulong DefaultSeed = 20261128;

    /// <param name="malformedPercent">
    /// Share of pairs with one side made malformed (text dpkg rejects or warns about: empty parts, stray colons and
    /// hyphens, punctuation, spaces, non-ASCII letters). Only the raw comparison has to agree on those.
    /// </param>
    public static IEnumerable<VersionPair> Deb(IReadOnlyList<string> seeds, long count, ulong seed = DefaultSeed, int malformedPercent = 0)
    {
        var bases = seeds.Where(IsValidDeb).ToArray();
        if (bases.Length == 0)
        {
            throw new ArgumentException("No valid Debian version among the seeds.", nameof(seeds));
        }

        var rng = new SplitMix64(seed);
        for (long i = 0; i < count; i++)
        {
            var pair = Pair(ref rng, bases, MutateDeb);
            yield return malformedPercent > 0 && rng.Below(100) < malformedPercent ? Malform(ref rng, pair, DebMalformations) : pair;
        }
    }

    /// <param name="malformedPercent">Share of pairs with one side made malformed (see <see cref="Deb"/>).</param>
    public static IEnumerable<VersionPair> Rpm(IReadOnlyList<string> seeds, long count, ulong seed = DefaultSeed, int malformedPercent = 0)
    {
        var rng = new SplitMix64(seed ^ 0x52504D);
        var bases = seeds.Select(s => DebToRpm(ref rng, s)).Where(IsValidRpm).Distinct(StringComparer.Ordinal)
            .ToArray();
        if (bases.Length == 0)
        {
            throw new ArgumentException("No seed converts to a valid RPM EVR.", nameof(seeds));
        }

        for (long i = 0; i < count; i++)
        {
            var pair = Pair(ref rng, bases, MutateRpm);
            yield return malformedPercent > 0 && rng.Below(100) < malformedPercent ? Malform(ref rng, pair, RpmMalformations) : pair;
        }
    }

    /// <summary>Windows full OS versions (major.minor.build.UBR) around real release builds.</summary>
    public static IEnumerable<VersionPair> Windows(long count, ulong seed = DefaultSeed)
    {
        var rng = new SplitMix64(seed ^ 0x57494E);
        for (long i = 0; i < count; i++)
        {
            var a = RandomWindows(ref rng);
            string b;
            switch (rng.Below(4))
            {
                case 0:
                    b = a;
                    break;
                case 1:
                    // Same servicing stream, nearby UBR: the comparison that decides whether a patch is installed.
                    var parts = a.Split('.');
                    var ubr = Math.Max(0, int.Parse(parts[3], CultureInfo.InvariantCulture) + rng.Below(2001) - 1000);
                    b = string.Create(CultureInfo.InvariantCulture, $"{parts[0]}.{parts[1]}.{parts[2]}.{ubr}");
                    break;
                default:
                    b = RandomWindows(ref rng);
                    break;
            }

            yield return rng.Chance(50) ? new VersionPair(a, b) : new VersionPair(b, a);
        }
    }

    private delegate string Mutator(ref SplitMix64 rng, string version);

    private static VersionPair Pair(ref SplitMix64 rng, string[] bases, Mutator mutate)
    {
        var x = rng.Pick(bases);
        string a;
        string b;
        var kind = rng.Below(100);
        if (kind < 4)
        {
            a = x;
            b = x;
        }
        else if (kind < 30)
        {
            a = x;
            b = rng.Pick(bases);
        }
        else if (kind < 75)
        {
            a = x;
            b = MutateRepeatedly(ref rng, x, mutate);
        }
        else
        {
            a = MutateRepeatedly(ref rng, x, mutate);
            b = MutateRepeatedly(ref rng, x, mutate);
        }

        return rng.Chance(50) ? new VersionPair(a, b) : new VersionPair(b, a);
    }

    private static string MutateRepeatedly(ref SplitMix64 rng, string version, Mutator mutate)
    {
        var rounds = 1 + rng.Below(3);
        for (var i = 0; i < rounds; i++)
        {
            version = mutate(ref rng, version);
        }

        return version;
    }

    // ---- Debian --------------------------------------------------------------------------------------------------

    private static readonly string[] DebTildeSuffixes = ["rc1", "rc2", "beta1", "alpha", "pre1", "", "~", "dfsg", "1", "git20240101"];
    private static readonly string[] DebPlusSuffixes = ["b1", "b2", "dfsg", "dfsg1", "deb12u1", "deb12u10", "really1.0", "git20240101.abc", "ds", "nmu1", "1"];
    private static readonly string[] DebEpochs = ["", "", "0", "1", "2", "00", "01", "10", "2147483647"];
    private static readonly string[] DebRevisions = ["", "0", "1", "2", "0~", "1ubuntu0.1", "2+b1", "1~bpo12+1", "0+deb12u1", "1.1", "1build1", "0ubuntu1~22.04.1", "10"];

    private static string MutateDeb(ref SplitMix64 rng, string version)
    {
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var candidate = MutateDebOnce(ref rng, version);
            if (IsValidDeb(candidate))
            {
                return candidate;
            }
        }

        return version;
    }

    private static string MutateDebOnce(ref SplitMix64 rng, string version)
    {
        var (epoch, upstream, revision) = SplitDeb(version);
        switch (rng.Below(14))
        {
            case 0:
                if (revision is not null && rng.Chance(40))
                {
                    revision += "~" + rng.Pick(DebTildeSuffixes);
                }
                else
                {
                    upstream += "~" + rng.Pick(DebTildeSuffixes);
                }

                break;
            case 1:
                if (revision is not null && rng.Chance(50))
                {
                    revision += "+" + rng.Pick(DebPlusSuffixes);
                }
                else
                {
                    upstream += "+" + rng.Pick(DebPlusSuffixes);
                }

                break;
            case 2:
                var e = rng.Pick(DebEpochs);
                epoch = e.Length == 0 ? null : e;
                break;
            case 3:
                var r = rng.Pick(DebRevisions);
                revision = r.Length == 0 ? null : r;
                break;
            case 4:
                upstream = DropSegment(ref rng, upstream);
                break;
            case 5:
                upstream = DuplicateSegment(ref rng, upstream);
                break;
            case 6:
                upstream = AddLetters(ref rng, upstream);
                break;
            case 7:
                if (revision is not null && rng.Chance(30))
                {
                    revision = TweakNumber(ref rng, revision);
                }
                else
                {
                    upstream = TweakNumber(ref rng, upstream);
                }

                break;
            case 8:
                upstream = BigNumber(ref rng, upstream);
                break;
            case 9:
                upstream = ChangeSeparator(ref rng, upstream, ".+~");
                break;
            case 10:
                upstream = Truncate(ref rng, upstream);
                break;
            case 11:
                // A hyphen inside the upstream version is legal while a revision follows.
                revision ??= "1";
                upstream = InsertAtSeparator(ref rng, upstream, '-');
                break;
            case 12:
                upstream = Lengthen(ref rng, upstream);
                break;
            default:
                upstream = LeadingZero(ref rng, upstream);
                break;
        }

        var builder = new StringBuilder();
        if (epoch is not null)
        {
            builder.Append(epoch).Append(':');
        }

        builder.Append(upstream);
        if (revision is not null)
        {
            builder.Append('-').Append(revision);
        }

        return builder.ToString();
    }

    private static (string? Epoch, string Upstream, string? Revision) SplitDeb(string version)
    {
        string? epoch = null;
        var rest = version;
        var colon = version.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            epoch = version[..colon];
            rest = version[(colon + 1)..];
        }

        var hyphen = rest.LastIndexOf('-');
        return hyphen >= 0 ? (epoch, rest[..hyphen], rest[(hyphen + 1)..]) : (epoch, rest, null);
    }

    /// <summary>dpkg's parseversion rules, strict: no warnings allowed either.</summary>
    public static bool IsValidDeb(string version)
    {
        if (version.Length == 0)
        {
            return false;
        }

        var (epoch, upstream, revision) = SplitDeb(version);
        if (epoch is not null &&
            (epoch.Length == 0 || epoch.Length > 10 || !epoch.All(char.IsAsciiDigit) ||
             !uint.TryParse(epoch, NumberStyles.None, CultureInfo.InvariantCulture, out var e) || e > int.MaxValue))
        {
            return false;
        }

        if (upstream.Length == 0 || !char.IsAsciiDigit(upstream[0]))
        {
            return false;
        }

        foreach (var c in upstream)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '+' or '~' or '-' or ':'))
            {
                return false;
            }

            if (c == ':' && epoch is null)
            {
                return false;
            }
        }

        if (revision is not null)
        {
            if (revision.Length == 0)
            {
                return false;
            }

            foreach (var c in revision)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '+' or '~'))
                {
                    return false;
                }
            }
        }

        return true;
    }

    // ---- RPM -----------------------------------------------------------------------------------------------------

    private static readonly string[] RpmReleases = ["1", "2", "1.el8", "1.el9", "2.el8_10.1", "3.el9_4", "0.1.rc1.fc39", "1.fc40", "150500.3.6.1", "lp155.2.1", "1.module+el8.10.0+1234+5f6e7d8c", "10.el7_9", "0", "1.1"];
    private static readonly string[] RpmTildeSuffixes = ["rc1", "rc2", "beta", "alpha1", "1", "", "~", "pre"];
    private static readonly string[] RpmCaretSuffixes = ["git20240101.abc1234", "20160101", "1", "", "post1", "^", "git.1"];
    private static readonly string[] RpmEpochs = ["", "", "0", "1", "2", "00", "01", "10"];
    private static readonly string[] RpmSeparators = [".", "_", "+", "..", "._", "%", "/"];

    private static string DebToRpm(ref SplitMix64 rng, string deb)
    {
        var (epoch, upstream, revision) = SplitDeb(deb);
        var version = upstream.Replace('-', '.').Replace(':', '.');
        var release = revision?.Replace('-', '.') ?? (rng.Chance(85) ? rng.Pick(RpmReleases) : null);
        return ComposeRpm(epoch, version, release);
    }

    private static string ComposeRpm(string? epoch, string version, string? release)
    {
        var builder = new StringBuilder();
        if (epoch is not null)
        {
            builder.Append(epoch).Append(':');
        }

        builder.Append(version);
        if (release is not null)
        {
            builder.Append('-').Append(release);
        }

        return builder.ToString();
    }

    private static (string? Epoch, string Version, string? Release) SplitRpm(string evr)
    {
        // librpm's parseEVR: the epoch is a (possibly empty) digit run followed by ':'; the release follows the
        // last '-'.
        var digits = 0;
        while (digits < evr.Length && char.IsAsciiDigit(evr[digits]))
        {
            digits++;
        }

        string? epoch = null;
        var rest = evr;
        if (digits < evr.Length && evr[digits] == ':')
        {
            epoch = evr[..digits];
            rest = evr[(digits + 1)..];
        }

        var hyphen = rest.LastIndexOf('-');
        return hyphen >= 0 ? (epoch, rest[..hyphen], rest[(hyphen + 1)..]) : (epoch, rest, null);
    }

    private static string MutateRpm(ref SplitMix64 rng, string evr)
    {
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var candidate = MutateRpmOnce(ref rng, evr);
            if (IsValidRpm(candidate))
            {
                return candidate;
            }
        }

        return evr;
    }

    private static string MutateRpmOnce(ref SplitMix64 rng, string evr)
    {
        var (epoch, version, release) = SplitRpm(evr);
        var onRelease = release is not null && rng.Chance(30);
        var part = onRelease ? release! : version;
        switch (rng.Below(14))
        {
            case 0:
                part += "~" + rng.Pick(RpmTildeSuffixes);
                break;
            case 1:
                part += "^" + rng.Pick(RpmCaretSuffixes);
                break;
            case 2:
                var e = rng.Pick(RpmEpochs);
                epoch = e.Length == 0 ? null : e;
                break;
            case 3:
                // Mostly with a release: packages always have one; a bare version appears in dependencies and
                // advisories.
                release = rng.Chance(90) ? rng.Pick(RpmReleases) : null;
                onRelease = false;
                break;
            case 4:
                part = DropSegment(ref rng, part);
                break;
            case 5:
                part = DuplicateSegment(ref rng, part);
                break;
            case 6:
                part = AddLetters(ref rng, part);
                break;
            case 7:
                part = TweakNumber(ref rng, part);
                break;
            case 8:
                part = BigNumber(ref rng, part);
                break;
            case 9:
                part = ChangeSeparator(ref rng, part, "._+~^");
                break;
            case 10:
                part = Truncate(ref rng, part);
                break;
            case 11:
                // rpmvercmp treats every run of non-alphanumerics alike, except ~ and ^.
                part = InsertAtSeparator(ref rng, part, rng.Pick(RpmSeparators)[0]);
                break;
            case 12:
                part = Lengthen(ref rng, part);
                break;
            default:
                part = LeadingZero(ref rng, part);
                break;
        }

        if (onRelease)
        {
            release = part;
        }
        else
        {
            version = part;
        }

        return ComposeRpm(epoch, version, release);
    }

    /// <summary>rpm's rules for E:V-R: digits for the epoch, no '-' inside version or release, none empty.</summary>
    public static bool IsValidRpm(string evr)
    {
        var (epoch, version, release) = SplitRpm(evr);
        if (epoch is not null && (epoch.Length == 0 || epoch.Length > 9))
        {
            return false;
        }

        return IsRpmPart(version) && (release is null || IsRpmPart(release));
    }

    private static bool IsRpmPart(string part)
    {
        if (part.Length == 0)
        {
            return false;
        }

        foreach (var c in part)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '+' or '~' or '^' or '%' or '/'))
            {
                return false;
            }
        }

        return true;
    }

    // ---- Windows -------------------------------------------------------------------------------------------------

    private static readonly (int Major, int Minor, int Build)[] WindowsBuilds =
    [
        (6, 1, 7601), (6, 2, 9200), (6, 3, 9600), (10, 0, 10240), (10, 0, 14393), (10, 0, 17763), (10, 0, 19041),
        (10, 0, 19044), (10, 0, 19045), (10, 0, 20348), (10, 0, 22000), (10, 0, 22621), (10, 0, 22631),
        (10, 0, 25398), (10, 0, 26100), (10, 0, 26200),
    ];

    private static string RandomWindows(ref SplitMix64 rng)
    {
        var (major, minor, build) = rng.Pick(WindowsBuilds);
        var ubr = rng.Chance(10) ? rng.Below(100) : rng.Below(8000);
        return string.Create(CultureInfo.InvariantCulture, $"{major}.{minor}.{build}.{ubr}");
    }

    // ---- malformed text ------------------------------------------------------------------------------------------

    // Characters a version should not contain but real data sometimes does; no NUL, which C strings cannot carry.
    private static readonly string[] DebMalformations =
    [
        "-", ":", "", " ", "!", "#", "_", "@", "=", "/", "é", "ü", "α", "€", "\u00ff", "~", "-:", ":-", "a", "Z",
    ];

    private static readonly string[] RpmMalformations =
    [
        "-", ":", "", " ", "!", "#", "@", "=", "é", "ü", "α", "€", "\u00ff", "-:", ":-", "--", "::", "^~", "~^",
    ];

    private static VersionPair Malform(ref SplitMix64 rng, VersionPair pair, string[] pieces)
    {
        var left = rng.Chance(50);
        var text = left ? pair.A : pair.B;
        var piece = rng.Pick(pieces);
        text = rng.Below(5) switch
        {
            0 => piece + text,
            1 => text + piece,
            2 => text.Length == 0 ? piece : text[..rng.Below(text.Length)] + piece + text[rng.Below(text.Length)..],
            3 => piece,
            _ => text.Length == 0 ? piece : text[..rng.Below(text.Length)] + piece,
        };
        return left ? pair with { A = text } : pair with { B = text };
    }

    // ---- shared string surgery -----------------------------------------------------------------------------------

    /// <summary>Splits into alternating runs: digits, letters, or other characters.</summary>
    private static List<string> Tokens(string s)
    {
        var tokens = new List<string>();
        var start = 0;
        for (var i = 1; i <= s.Length; i++)
        {
            if (i == s.Length || Class(s[i]) != Class(s[start]))
            {
                tokens.Add(s[start..i]);
                start = i;
            }
        }

        return tokens;

        static int Class(char c) => char.IsAsciiDigit(c) ? 0 : char.IsAsciiLetter(c) ? 1 : 2;
    }

    private static string DropSegment(ref SplitMix64 rng, string s)
    {
        var tokens = Tokens(s);
        if (tokens.Count < 3)
        {
            return s;
        }

        // Remove a separator together with the segment after it ("1.2.3" -> "1.3" or "1.2").
        var i = 1 + rng.Below(tokens.Count - 1);
        tokens.RemoveAt(i);
        if (i < tokens.Count && rng.Chance(70))
        {
            tokens.RemoveAt(i);
        }

        return string.Concat(tokens);
    }

    private static string DuplicateSegment(ref SplitMix64 rng, string s)
    {
        var tokens = Tokens(s);
        var i = rng.Below(tokens.Count);
        var segment = i + 1 < tokens.Count ? tokens[i] + tokens[i + 1] : "." + tokens[i];
        tokens.Insert(i, segment);
        return string.Concat(tokens);
    }

    private static readonly string[] Letters = ["a", "b", "z", "A", "Z", "rc", "p", "beta", "git", "svn", "dev", "x"];

    private static string AddLetters(ref SplitMix64 rng, string s)
    {
        var letters = rng.Pick(Letters);
        switch (rng.Below(3))
        {
            case 0:
                return s + letters;
            case 1:
                var tokens = Tokens(s);
                var digitRuns = Enumerable.Range(0, tokens.Count).Where(t => char.IsAsciiDigit(tokens[t][0])).ToArray();
                if (digitRuns.Length > 1)
                {
                    // Replace a later number by letters ("1.2.3" -> "1.2.b"); the first stays so dpkg accepts it.
                    tokens[digitRuns[1 + rng.Below(digitRuns.Length - 1)]] = letters;
                }

                return string.Concat(tokens);
            default:
                var at = 1 + rng.Below(s.Length);
                return s[..at] + letters + s[at..];
        }
    }

    private static string TweakNumber(ref SplitMix64 rng, string s)
    {
        var tokens = Tokens(s);
        var digitRuns = Enumerable.Range(0, tokens.Count).Where(t => char.IsAsciiDigit(tokens[t][0])).ToArray();
        if (digitRuns.Length == 0)
        {
            return s + "1";
        }

        var i = rng.Pick(digitRuns);
        var digits = tokens[i];
        if (digits.Length > 18)
        {
            tokens[i] = digits + rng.Below(10).ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            var value = long.Parse(digits, CultureInfo.InvariantCulture);
            value = rng.Chance(50) ? value + 1 + rng.Below(2) : Math.Max(0, value - 1);
            tokens[i] = value.ToString(CultureInfo.InvariantCulture);
        }

        return string.Concat(tokens);
    }

    private static string BigNumber(ref SplitMix64 rng, string s)
    {
        var tokens = Tokens(s);
        var digitRuns = Enumerable.Range(0, tokens.Count).Where(t => char.IsAsciiDigit(tokens[t][0])).ToArray();
        if (digitRuns.Length == 0)
        {
            return s;
        }

        var number = rng.Below(4) switch
        {
            // Snapshot dates and times as seen in real versions.
            0 => (20000101 + rng.Below(261231)).ToString(CultureInfo.InvariantCulture),
            1 => (20000101000000L + (long)(rng.Next() % 261231235959UL)).ToString(CultureInfo.InvariantCulture),
            // Past ulong.MaxValue: implementations that parse into 64 bits overflow here.
            2 => RandomDigits(ref rng, 19 + rng.Below(22)),
            _ => "18446744073709551615",
        };
        tokens[rng.Pick(digitRuns)] = number;
        return string.Concat(tokens);
    }

    private static string RandomDigits(ref SplitMix64 rng, int length)
    {
        var chars = new char[length];
        chars[0] = (char)('1' + rng.Below(9));
        for (var i = 1; i < length; i++)
        {
            chars[i] = (char)('0' + rng.Below(10));
        }

        return new string(chars);
    }

    private static string ChangeSeparator(ref SplitMix64 rng, string s, string alphabet)
    {
        var positions = Enumerable.Range(0, s.Length).Where(i => !char.IsAsciiLetterOrDigit(s[i])).ToArray();
        if (positions.Length == 0)
        {
            return s;
        }

        var at = rng.Pick(positions);
        return s[..at] + alphabet[rng.Below(alphabet.Length)] + s[(at + 1)..];
    }

    private static string InsertAtSeparator(ref SplitMix64 rng, string s, char separator)
    {
        var positions = Enumerable.Range(1, s.Length - 1).Where(i => !char.IsAsciiLetterOrDigit(s[i])).ToArray();
        if (positions.Length == 0)
        {
            return s + separator + "1";
        }

        var at = rng.Pick(positions);
        return s[..at] + separator + s[(at + 1)..];
    }

    /// <summary>
    /// Sometimes a version of hundreds of characters, past any stack buffer an implementation may use, but well below
    /// the 4096 characters Patchpeil accepts.
    /// </summary>
    private static string Lengthen(ref SplitMix64 rng, string s)
    {
        if (s.Length > 400)
        {
            return s;
        }

        var copies = rng.Chance(25) ? Math.Max(2, 1000 / (s.Length + 1) - rng.Below(4)) : 2;
        return string.Join('.', Enumerable.Repeat(s, copies));
    }

    private static string Truncate(ref SplitMix64 rng, string s) => s.Length <= 1 ? s : s[..(1 + rng.Below(s.Length - 1))];

    private static string LeadingZero(ref SplitMix64 rng, string s)
    {
        var tokens = Tokens(s);
        var digitRuns = Enumerable.Range(0, tokens.Count).Where(t => char.IsAsciiDigit(tokens[t][0])).ToArray();
        if (digitRuns.Length == 0)
        {
            return s;
        }

        var i = rng.Pick(digitRuns);
        tokens[i] = new string('0', 1 + rng.Below(3)) + tokens[i];
        return string.Concat(tokens);
    }
}
