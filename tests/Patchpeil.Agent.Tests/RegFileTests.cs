using System.Text;
using Patchpeil.Agent.Windows;

namespace Patchpeil.Agent.Tests;

public class RegFileTests
{
    private static readonly string Windows11 = Path.Combine(AppContext.BaseDirectory, "fixtures", "agent", "windows11-education");

    /// <summary>As regedit writes it: UTF-16 LE with a byte-order mark, CRLF, the last line ended too.</summary>
    private static byte[] Utf16(string text) => [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(text.ReplaceLineEndings("\r\n") + "\r\n")];

    [Fact]
    public void Regedit5ExportDecodesEveryValueKind()
    {
        var result = RegFile.Read(Path.Combine(Windows11, "os.reg"));
        Assert.Empty(result.Problems);
        Assert.Equal(5, result.FormatVersion);
        var registry = result.Snapshot;
        Assert.Equal("Windows 10 Education", registry.GetString(WindowsRegistryInventory.CurrentVersionPath, "ProductName"));
        Assert.Equal(4460, registry.GetNumber(@"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion", "UBR"));
        Assert.Equal(@"C:\WINDOWS", registry.GetString(WindowsRegistryInventory.CurrentVersionPath, "SystemRoot"));

        // 164 bytes of hex over three continuation lines.
        var digitalProductId = registry.Value(WindowsRegistryInventory.CurrentVersionPath, "DigitalProductId")!;
        Assert.Equal(RegistryValueKind.Binary, digitalProductId.Kind);
        Assert.Equal(Enumerable.Range(0, 164).Select(i => (byte)i), digitalProductId.Bytes!);

        var pending = registry.Value(WindowsRegistryInventory.SessionManagerPath, "PendingFileRenameOperations")!;
        Assert.Equal(RegistryValueKind.MultiSz, pending.Kind);
        Assert.Equal([@"\??\C:\WINDOWS\SoftwareDistribution\Download\tmp\wuaueng.dll"], pending.Lines!);
        Assert.Equal(["Winlogon"], registry.SubKeyNames(WindowsRegistryInventory.CurrentVersionPath));
    }

    [Fact]
    public void ExpandableStringInHexIsUtf16InRegedit5()
    {
        var registry = RegFile.Read(Path.Combine(Windows11, "uninstall-hklm.reg")).Snapshot;
        var location = registry.Value(@"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\{A1B6C4D2-6F0E-4E9B-9D1E-3C5F4B7A8E90}", "InstallLocation")!;
        Assert.Equal((RegistryValueKind.ExpandSz, @"%ProgramFiles%\LibreOffice\program\soffice.exe"), (location.Kind, location.Text));
    }

    [Fact]
    public void Regedit4IsReadInTheAnsiCodePage()
    {
        var result = RegFile.Read(Path.Combine(Windows11, "legacy-regedit4.reg"));
        Assert.Empty(result.Problems);
        Assert.Equal(4, result.FormatVersion);
        var key = @"HKLM\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall\WiskundeCafe";
        Assert.Equal("Wiskunde Café 3.2", result.Snapshot.GetString(key, "DisplayName"));
        Assert.Equal(@"C:\Program Files (x86)\Wiskunde Café\", result.Snapshot.GetString(key, "InstallLocation"));
    }

    [Fact]
    public void EscapesDefaultValuesQwordsAndDeletions()
    {
        const string text = """
            Windows Registry Editor Version 5.00

            [HKEY_LOCAL_MACHINE\SOFTWARE\Test]
            @="default \"quoted\" C:\\dir\\"
            "Big"=hex(b):00,e4,0b,54,02,00,00,00
            "BigEndian"=hex(5):00,01,00,00
            "Gone"="first"
            "Gone"=-
            "Empty"=hex:

            [HKEY_LOCAL_MACHINE\SOFTWARE\Test\Removed\Child]
            "X"="y"

            [-HKEY_LOCAL_MACHINE\SOFTWARE\Test\Removed]
            """;
        var result = RegFile.Parse(Utf16(text), "inline.reg");
        Assert.Empty(result.Problems);
        var registry = result.Snapshot;
        Assert.Equal("default \"quoted\" C:\\dir\\", registry.GetString(@"HKLM\SOFTWARE\Test", ""));
        Assert.Equal(10_000_000_000, registry.GetNumber(@"HKLM\SOFTWARE\Test", "Big"));
        Assert.Equal(65536, registry.GetNumber(@"HKLM\SOFTWARE\Test", "BigEndian"));
        Assert.Null(registry.Value(@"HKLM\SOFTWARE\Test", "Gone"));
        Assert.Empty(registry.Value(@"HKLM\SOFTWARE\Test", "Empty")!.Bytes!);
        Assert.False(registry.KeyExists(@"HKLM\SOFTWARE\Test\Removed"));
    }

    [Fact]
    public void TruncatedExportKeepsWhatCameBeforeAndNamesTheLine()
    {
        var full = File.ReadAllBytes(Path.Combine(Windows11, "os.reg"));
        var text = Encoding.Unicode.GetString(full, 2, full.Length - 2);

        // Cut in the middle of DigitalProductId's continuation lines, as an interrupted copy would.
        var cut = text.IndexOf("\"DigitalProductId\"", StringComparison.Ordinal) + 120;
        var result = RegFile.Parse(Utf16(text[..cut].TrimEnd() + "\\"), "os.reg");
        var problem = Assert.Single(result.Problems);
        Assert.Equal("os.reg", problem.File);
        Assert.Equal(text[..text.IndexOf("\"DigitalProductId\"", StringComparison.Ordinal)].Count(c => c == '\n') + 1, problem.Line);
        Assert.Contains("truncated", problem.Reason, StringComparison.Ordinal);
        Assert.Null(result.Snapshot.Value(WindowsRegistryInventory.CurrentVersionPath, "DigitalProductId"));
        Assert.Equal(4460, result.Snapshot.GetNumber(WindowsRegistryInventory.CurrentVersionPath, "UBR"));
    }

    [Fact]
    public void ExportCutOffMidLineDoesNotKeepAShortenedValue()
    {
        var full = File.ReadAllBytes(Path.Combine(Windows11, "os.reg"));
        var text = Encoding.Unicode.GetString(full, 2, full.Length - 2);

        // "UBR"=dword:0000116c cut after "dword:00", at an odd byte as a copy stopped mid-character would.
        var cut = text.IndexOf("\"UBR\"=dword:00", StringComparison.Ordinal) + "\"UBR\"=dword:00".Length;
        var bytes = full[..(2 + (cut * 2) + 1)];
        var result = RegFile.Parse(bytes, "os.reg");
        var problem = Assert.Single(result.Problems);
        Assert.Equal(text[..cut].Count(c => c == '\n') + 1, problem.Line);
        Assert.Contains("truncated", problem.Reason, StringComparison.Ordinal);
        Assert.Null(result.Snapshot.Value(WindowsRegistryInventory.CurrentVersionPath, "UBR"));
        Assert.Equal("Windows 10 Education", result.Snapshot.GetString(WindowsRegistryInventory.CurrentVersionPath, "ProductName"));
    }

    [Fact]
    public void BrokenValuesAreSkippedWithTheirLineAndTheRestIsKept()
    {
        const string text = """
            Windows Registry Editor Version 5.00

            "Orphan"="no key yet"

            [HKEY_LOCAL_MACHINE\SOFTWARE\Test]
            "Unclosed"="Mozilla Fi
            "Dword"=dword:123456789
            "Hex"=hex:zz,01
            "Short"=hex(b):01,02
            NoQuotes=1
            "Good"="kept"

            [HKEY_LOCAL_MACHINE\SOFTWARE\Broken
            "Lost"="with its key"

            [HKEY_LOCAL_MACHINE\SOFTWARE\After]
            "Good"="kept too"
            """;
        var result = RegFile.Parse(Utf16(text), "bad.reg");
        Assert.Equal([3, 6, 7, 8, 9, 10, 13], result.Problems.Select(p => p.Line!.Value));
        Assert.All(result.Problems, p => Assert.Equal("bad.reg", p.File));
        Assert.Contains("dword", result.Problems[2].Reason, StringComparison.Ordinal);
        Assert.Equal("kept", result.Snapshot.GetString(@"HKLM\SOFTWARE\Test", "Good"));
        Assert.Equal("kept too", result.Snapshot.GetString(@"HKLM\SOFTWARE\After", "Good"));
        Assert.Equal(["Good"], result.Snapshot.Values(@"HKLM\SOFTWARE\Test")!.Keys);
        Assert.False(result.Snapshot.KeyExists(@"HKLM\SOFTWARE\Broken"));
    }

    [Fact]
    public void HugeValueIsSkippedWithoutKeepingItInMemory()
    {
        var builder = new StringBuilder("Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Test]\r\n\"Huge\"=hex:00,\\\r\n");
        var line = string.Join(',', Enumerable.Repeat("ab", 25)) + ",\\\r\n";
        var lines = (RegFile.MaxValueChars / 50) + 10;
        for (var i = 0; i < lines; i++)
        {
            builder.Append("  ").Append(line);
        }

        builder.Append("  00\r\n\"After\"=\"kept\"\r\n");
        var result = RegFile.Parse(Utf16(builder.ToString()), "huge.reg");
        var problem = Assert.Single(result.Problems);
        Assert.Equal(4, problem.Line);
        Assert.Contains("longer than", problem.Reason, StringComparison.Ordinal);
        Assert.Equal("kept", result.Snapshot.GetString(@"HKLM\SOFTWARE\Test", "After"));
    }

    [Fact]
    public void WholeHiveSizedExportStopsAtTheKeyLimitAndKeepsWhatCameBefore()
    {
        var builder = new StringBuilder("Windows Registry Editor Version 5.00\r\n\r\n");
        for (var i = 0; i <= RegFile.MaxKeys; i++)
        {
            builder.Append("[HKEY_LOCAL_MACHINE\\SOFTWARE\\K").Append(i).Append("]\r\n\"V\"=dword:00000001\r\n");
        }

        var result = RegFile.Parse(Utf16(builder.ToString()), "hive.reg");
        var problem = Assert.Single(result.Problems);
        Assert.Equal(3 + (2 * RegFile.MaxKeys), problem.Line);
        Assert.Equal(RegFile.MaxKeys, result.Snapshot.KeyCount);
        Assert.Equal(1, result.Snapshot.GetNumber($@"HKLM\SOFTWARE\K{RegFile.MaxKeys - 1}", "V"));
    }

    [Fact]
    public void WrongEncodingsAndFormatsAreRefusedWithTheReason()
    {
        var header = "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Test]\r\n\"A\"=\"b\"\r\n";

        // UTF-16 big-endian without a byte-order mark decodes to nonsense: the header check catches it.
        var bigEndian = Assert.Throws<InputFormatException>(() => RegFile.Parse(Encoding.BigEndianUnicode.GetBytes(header), "be.reg"));
        Assert.Contains("NUL", bigEndian.Reason, StringComparison.Ordinal);

        var hive = Assert.Throws<InputFormatException>(() => RegFile.Parse([.. "regf"u8, 0, 0, 0, 0], "NTUSER.DAT"));
        Assert.Contains("hive", hive.Reason, StringComparison.Ordinal);

        var notReg = Assert.Throws<InputFormatException>(() => RegFile.Parse("DisplayName,DisplayVersion\nFirefox,132\n"u8.ToArray(), "apps.csv"));
        Assert.Equal(("apps.csv", 1), (notReg.File, notReg.Line));

        // A lone surrogate cannot be UTF-16 text.
        var broken = Assert.Throws<InputFormatException>(() => RegFile.Parse([0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00], "broken.reg"));
        Assert.Contains("UTF-16", broken.Reason, StringComparison.Ordinal);

        // UTF-16 LE whose byte-order mark was stripped, and UTF-8 with one, are still read.
        Assert.Equal("b", RegFile.Parse(Encoding.Unicode.GetBytes(header), "nobom.reg").Snapshot.GetString(@"HKLM\SOFTWARE\Test", "A"));
        Assert.Equal("b", RegFile.Parse([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(header)], "utf8.reg").Snapshot.GetString(@"HKLM\SOFTWARE\Test", "A"));
    }
}
