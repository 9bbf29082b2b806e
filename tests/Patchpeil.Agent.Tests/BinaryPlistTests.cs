using Patchpeil.Agent.MacOS;

namespace Patchpeil.Agent.Tests;

public class BinaryPlistTests
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "fixtures", "agent");

    private static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(Fixtures, "plist", name));

    [Fact]
    public void BinaryAndXmlFormsOfAPlistGiveTheSameValues()
    {
        var binary = (Dictionary<string, object>)Plist.Parse(Fixture("types.bplist"), "types.bplist");
        var xml = (Dictionary<string, object>)Plist.Parse(Fixture("types.plist"), "types.plist");
        Assert.Equal(xml.Keys.Order(StringComparer.Ordinal), binary.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((-3L, 1L << 40, 1.5, true, false), ((long)binary["int"], (long)binary["big"], (double)binary["real"], (bool)binary["t"], (bool)binary["f"]));
        Assert.Equal(new DateTime(2024, 11, 26, 9, 0, 0, DateTimeKind.Utc), binary["date"]);
        Assert.Equal(new byte[] { 0, 1, 2 }, binary["data"]);
        Assert.Equal(("Café ☕", new string('x', 40)), ((string)binary["unicode"], (string)binary["long"]));
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(xml["nested"]), System.Text.Json.JsonSerializer.Serialize(binary["nested"]));
        foreach (var key in xml.Keys)
        {
            Assert.Equal(System.Text.Json.JsonSerializer.Serialize(xml[key]), System.Text.Json.JsonSerializer.Serialize(binary[key]));
        }
    }

    [Fact]
    public void BinaryInfoPlistGivesTheBundleIdentity()
    {
        var info = InfoPlist.From(Plist.Parse(Fixture("firefox-info.bplist"), "Info.plist"), "Info.plist");
        Assert.Equal(new InfoPlist("org.mozilla.firefox", "132.0.2", "13224.11.11", "Firefox"), info);
    }

    [Fact]
    public void TruncatedOrCorruptBinaryPlistsAreRefused()
    {
        var good = Fixture("firefox-info.bplist");
        foreach (var length in new[] { 8, 39, good.Length / 2, good.Length - 1 })
        {
            var error = Assert.Throws<InputFormatException>(() => Plist.Parse(good[..length], "Info.plist"));
            Assert.StartsWith("binary property list:", error.Reason, StringComparison.Ordinal);
        }

        // A top object number past the object count.
        var badTop = (byte[])good.Clone();
        badTop[^9] = 0xFF;
        Assert.Contains("offset table", Assert.Throws<InputFormatException>(() => Plist.Parse(badTop, "Info.plist")).Reason, StringComparison.Ordinal);

        Assert.Contains("version 01 is not supported", Assert.Throws<InputFormatException>(() => Plist.Parse("bplist01xxxxxxxx"u8.ToArray(), "Info.plist")).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void SelfContainingArrayIsRefused()
    {
        // One array object whose single element is itself: header, object at 8, offset table at 10, trailer.
        byte[] plist = [.. "bplist00"u8, 0xA1, 0x00, 0x08, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10];
        var error = Assert.Throws<InputFormatException>(() => Plist.Parse(plist, "loop.plist"));
        Assert.Contains("contains itself", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void SharedObjectsCannotBlowUpIntoAHugeTree()
    {
        // 30 arrays, each holding the next one twice: 2^30 leaves from a few hundred bytes.
        const int levels = 30;
        var objects = new List<byte[]>();
        for (var i = 0; i < levels; i++)
        {
            objects.Add([0xA2, (byte)(i + 1), (byte)(i + 1)]);
        }

        objects.Add([0x09]);
        var body = new List<byte>("bplist00"u8.ToArray());
        var offsets = new List<byte>();
        foreach (var item in objects)
        {
            offsets.Add((byte)body.Count);
            body.AddRange(item);
        }

        var table = body.Count;
        body.AddRange(offsets);
        body.AddRange(new byte[6]);
        body.Add(1);
        body.Add(1);
        body.AddRange(BigEndian(objects.Count));
        body.AddRange(BigEndian(0));
        body.AddRange(BigEndian(table));
        var error = Assert.Throws<InputFormatException>(() => Plist.Parse([.. body], "bomb.plist"));
        Assert.Contains("objects to read", error.Reason, StringComparison.Ordinal);
    }

    private static byte[] BigEndian(long value)
    {
        var bytes = BitConverter.GetBytes(value);
        Array.Reverse(bytes);
        return bytes;
    }
}
