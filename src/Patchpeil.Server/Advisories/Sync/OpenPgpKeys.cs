using Org.BouncyCastle.Bcpg.OpenPgp;

namespace Patchpeil.Server.Advisories.Sync;

/// <summary>
/// The OpenPGP keys a CSAF provider names in its metadata (<c>public_openpgp_keys</c>): only key rings whose primary key
/// has the fingerprint the metadata gives are trusted; detached <c>.asc</c> signatures are verified against them.
/// </summary>
public sealed class OpenPgpKeys
{
    private readonly List<PgpPublicKeyRing> _rings = [];

    public int Count => _rings.Count;

    /// <summary>Fingerprint as hex, upper case, without spaces (metadata writes it in either case, sometimes spaced).</summary>
    public static string NormaliseFingerprint(string fingerprint) =>
        new string(fingerprint.Where(c => !char.IsWhiteSpace(c)).ToArray()).ToUpperInvariant();

    /// <summary>Adds the rings of an armoured (or binary) key file whose primary key has the expected fingerprint; returns a problem or null.</summary>
    public string? Add(byte[] keyFile, string? expectedFingerprint)
    {
        PgpPublicKeyRingBundle bundle;
        try
        {
            using var input = PgpUtilities.GetDecoderStream(new MemoryStream(keyFile));
            bundle = new PgpPublicKeyRingBundle(input);
        }
        catch (Exception e) when (e is IOException or PgpException or ArgumentException)
        {
            return $"[pgp.key-unreadable] not an OpenPGP public key: {e.Message}";
        }

        var expected = expectedFingerprint is null ? null : NormaliseFingerprint(expectedFingerprint);
        var found = new List<string>();
        foreach (var ring in bundle.GetKeyRings())
        {
            var primary = ring.GetPublicKey();
            var fingerprint = Convert.ToHexString(primary.GetFingerprint());
            found.Add(fingerprint);
            if (expected is not null && fingerprint != expected)
            {
                continue;
            }

            if (primary.HasRevocation())
            {
                return $"[pgp.key-revoked] key {fingerprint} is revoked";
            }

            _rings.Add(ring);
            return null;
        }

        return found.Count == 0
            ? "[pgp.key-unreadable] the key file holds no public key"
            : $"[pgp.fingerprint] the key file holds {string.Join(", ", found)}, not the fingerprint {expected} the provider metadata names";
    }

    /// <summary>Checks a detached signature over the exact bytes; returns null when it is good, else the reason.</summary>
    public string? Verify(byte[] data, byte[] signatureFile)
    {
        PgpSignature signature;
        try
        {
            using var input = PgpUtilities.GetDecoderStream(new MemoryStream(signatureFile));
            var factory = new PgpObjectFactory(input);
            var next = factory.NextPgpObject();
            if (next is PgpCompressedData compressed)
            {
                factory = new PgpObjectFactory(compressed.GetDataStream());
                next = factory.NextPgpObject();
            }

            if (next is not PgpSignatureList { Count: > 0 } list)
            {
                return "[pgp.signature-unreadable] the .asc file holds no OpenPGP signature";
            }

            signature = list[0];
        }
        catch (Exception e) when (e is IOException or PgpException or ArgumentException)
        {
            return $"[pgp.signature-unreadable] {e.Message}";
        }

        var key = _rings.Select(r => r.GetPublicKey(signature.KeyId)).FirstOrDefault(k => k is not null);
        if (key is null)
        {
            return $"[pgp.unknown-key] signed by key {signature.KeyId:X16}, which is not among the provider's keys";
        }

        try
        {
            signature.InitVerify(key);
            signature.Update(data);
            return signature.Verify() ? null : "[pgp.bad-signature] the signature does not match the document";
        }
        catch (PgpException e)
        {
            return $"[pgp.bad-signature] {e.Message}";
        }
    }
}
