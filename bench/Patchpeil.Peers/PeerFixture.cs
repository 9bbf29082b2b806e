using System.Globalization;

namespace Patchpeil.Peers;

/// <summary>One recorded answer of a peer: <c>A &lt;tab&gt; B &lt;tab&gt; sign</c>.</summary>
public readonly record struct PeerAnswer(string A, string B, int Peer, int Line);

/// <summary>
/// Pairs with the peer's recorded answer (tests/fixtures/versions-diff/{deb,rpm}.tsv), so the cases a differential
/// run found stay checked on machines without libapt-pkg or librpm. Lines starting with '#' are comments.
/// </summary>
public static class PeerFixture
{
    public static IEnumerable<PeerAnswer> Read(string path)
    {
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var fields = line.Split('\t');
            if (fields.Length != 3 || !int.TryParse(fields[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var peer) ||
                peer is < -1 or > 1)
            {
                throw new FormatException($"{path}:{number}: expected 'a<TAB>b<TAB>-1|0|1'");
            }

            yield return new PeerAnswer(fields[0], fields[1], peer, number);
        }
    }

    /// <summary>Adds the pairs of <paramref name="disagreements"/> not yet in the file; returns how many.</summary>
    public static int Append(string path, IEnumerable<Disagreement> disagreements)
    {
        var known = File.Exists(path)
            ? Read(path).Select(a => (a.A, a.B)).ToHashSet()
            : [];
        var added = 0;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var writer = File.AppendText(path);
        foreach (var d in disagreements)
        {
            if (d.Kind == "peer-self" || d.A.Contains('\t', StringComparison.Ordinal) || d.B.Contains('\t', StringComparison.Ordinal) ||
                !known.Add((d.A, d.B)))
            {
                continue;
            }

            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{d.A}\t{d.B}\t{d.Peer}"));
            added++;
        }

        return added;
    }
}
