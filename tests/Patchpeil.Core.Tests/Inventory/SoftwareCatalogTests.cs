using Patchpeil.Core.Inventory;
using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Tests.Inventory;

public class SoftwareCatalogTests
{
    [Theory]
    [InlineData("Mozilla Firefox (x64 nl)", "133.0.3", "Mozilla", "firefox", "cpe:2.3:a:mozilla:firefox:133.0.3:*:*:*:*:*:*:*", "firefox", "133")]
    [InlineData("Mozilla Firefox 128.5.1 ESR (x64 nl)", "128.5.1", "Mozilla", "firefox-esr", "cpe:2.3:a:mozilla:firefox_esr:128.5.1:*:*:*:*:*:*:*", "firefox", "128")]
    [InlineData("Mozilla Firefox ESR", "115.18.0", null, "firefox-esr", "cpe:2.3:a:mozilla:firefox_esr:115.18.0:*:*:*:*:*:*:*", "firefox", "115")]
    [InlineData("7-Zip 23.01 (x64)", "23.01", "Igor Pavlov", "7-zip", "cpe:2.3:a:7-zip:7-zip:23.01:*:*:*:*:*:*:*", null, null)]
    [InlineData("Microsoft 365 Apps for enterprise - nl-nl", "16.0.17928.20156", "Microsoft Corporation", "microsoft-365-apps", "cpe:2.3:a:microsoft:365_apps:16.0.17928.20156:*:*:*:*:*:*:*", null, null)]
    [InlineData("Google Chrome", "131.0.6778.86", "Google LLC", "chrome", "cpe:2.3:a:google:chrome:131.0.6778.86:*:*:*:*:*:*:*", "chrome", "131")]
    [InlineData("Microsoft Edge", "131.0.2903.70", "Microsoft Corporation", "edge", "cpe:2.3:a:microsoft:edge_chromium:131.0.2903.70:*:*:*:*:*:*:*", null, null)]
    [InlineData("Adobe Acrobat (64-bit)", "24.004.20220", "Adobe", "acrobat-reader", "cpe:2.3:a:adobe:acrobat_reader_dc:24.004.20220:*:*:*:*:*:*:*", null, null)]
    [InlineData("Java 8 Update 431 (64-bit)", "8.0.4310.10", "Oracle Corporation", "oracle-java", "cpe:2.3:a:oracle:jre:8.0.4310.10:*:*:*:*:*:*:*", "oracle-jdk", "8")]
    [InlineData("Python 3.12.7 (64-bit)", "3.12.7150.0", "Python Software Foundation", "python", "cpe:2.3:a:python:python:3.12.7150.0:*:*:*:*:*:*:*", "python", "3.12")]
    [InlineData("Notepad++ (64-bit x64)", "8.7.4", "Notepad++ Team", "notepad-plus-plus", "cpe:2.3:a:notepad-plus-plus:notepad\\+\\+:8.7.4:*:*:*:*:*:*:*", "notepad-plus-plus", "8")]
    [InlineData("LibreOffice 24.8.3.2", "24.8.3.2", "The Document Foundation", "libreoffice", "cpe:2.3:a:libreoffice:libreoffice:24.8.3.2:*:*:*:*:*:*:*", "libreoffice", "24.8")]
    [InlineData("Microsoft SQL Server 2019 (64-bit)", "15.0.2000.5", "Microsoft Corporation", "sql-server", "cpe:2.3:a:microsoft:sql_server:15.0.2000.5:*:*:*:*:*:*:*", "mssqlserver", "2019")]
    [InlineData("Microsoft Office Professional Plus 2016", "16.0.4266.1001", "Microsoft Corporation", "office", "cpe:2.3:a:microsoft:office:16.0.4266.1001:*:*:*:*:*:*:*", "office", "2016")]
    [InlineData("macOS", "14.7.1", "Apple", "macos", "cpe:2.3:o:apple:macos:14.7.1:*:*:*:*:*:*:*", "macos", "14")]
    [InlineData("Mac OS X", "10.15.7", "Apple", "macos", "cpe:2.3:o:apple:macos:10.15.7:*:*:*:*:*:*:*", "macos", "10.15")]
    [InlineData("iPadOS", "17.5.1", "Apple", "ipados", "cpe:2.3:o:apple:ipados:17.5.1:*:*:*:*:*:*:*", "ipados", "17")]
    [InlineData("Ubuntu", "22.04", null, "ubuntu", "cpe:2.3:o:canonical:ubuntu_linux:22.04:*:*:*:*:*:*:*", "ubuntu", "22.04")]
    [InlineData("PostgreSQL 16", "16.4", null, "postgresql", "cpe:2.3:a:postgresql:postgresql:16.4:*:*:*:*:*:*:*", "postgresql", "16")]
    [InlineData("Moodle", "4.4.3", null, "moodle", "cpe:2.3:a:moodle:moodle:4.4.3:*:*:*:*:*:*:*", "moodle", "4.4")]
    [InlineData("Adobe Acrobat Reader DC - Nederlands", "24.004.20220", "Adobe Systems Incorporated", "acrobat-reader", "cpe:2.3:a:adobe:acrobat_reader_dc:24.004.20220:*:*:*:*:*:*:*", null, null)]
    [InlineData("Microsoft Teams (work or school)", "24295.605.3225.8804", "Microsoft", "teams", "cpe:2.3:a:microsoft:teams:24295.605.3225.8804:*:*:*:*:*:*:*", null, null)]
    [InlineData("Zoom Workplace (64-bit)", "6.2.11", "Zoom Video Communications, Inc.", "zoom", "cpe:2.3:a:zoom:zoom:6.2.11:*:*:*:*:*:*:*", null, null)]
    [InlineData("VLC media player", "3.0.21", "VideoLAN", "vlc", "cpe:2.3:a:videolan:vlc_media_player:3.0.21:*:*:*:*:*:*:*", null, null)]
    [InlineData("GIMP 2.10.38", "2.10.38", "The GIMP Team", "gimp", "cpe:2.3:a:gimp:gimp:2.10.38:*:*:*:*:*:*:*", null, null)]
    [InlineData("Eclipse Temurin JDK with Hotspot 21.0.5+11 (x64)", "21.0.5.11", "Eclipse Adoptium", "eclipse-temurin", "cpe:2.3:a:eclipse:temurin:21.0.5.11:*:*:*:*:*:*:*", "eclipse-temurin", "21")]
    [InlineData("Node.js", "20.18.1", "Node.js Foundation", "nodejs", "cpe:2.3:a:nodejs:node.js:20.18.1:*:*:*:*:*:*:*", "nodejs", "20")]
    [InlineData("MySQL Server 8.0", "8.0.40", "Oracle Corporation", "mysql", "cpe:2.3:a:oracle:mysql:8.0.40:*:*:*:*:*:*:*", "mysql", "8.0")]
    [InlineData("MariaDB 11.4 (x64)", "11.4.4.0", "MariaDB Corporation Ab", "mariadb", "cpe:2.3:a:mariadb:mariadb:11.4.4.0:*:*:*:*:*:*:*", "mariadb", "11.4")]
    [InlineData("PHP", "8.3.14", null, "php", "cpe:2.3:a:php:php:8.3.14:*:*:*:*:*:*:*", "php", "8.3")]
    [InlineData("nginx", "1.26.2", null, "nginx", "cpe:2.3:a:f5:nginx:1.26.2:*:*:*:*:*:*:*", "nginx", "1.26")]
    [InlineData("Apache HTTP Server", "2.4.62", null, "apache-http-server", "cpe:2.3:a:apache:http_server:2.4.62:*:*:*:*:*:*:*", "apache-http-server", "2.4")]
    [InlineData("Debian GNU/Linux 12 (bookworm)", "12.8", null, "debian", "cpe:2.3:o:debian:debian_linux:12.8:*:*:*:*:*:*:*", "debian", "12")]
    [InlineData("ChromeOS", "16033.58.0", "Google", "chromeos", "cpe:2.3:o:google:chrome_os:16033.58.0:*:*:*:*:*:*:*", null, null)]
    [InlineData("Microsoft .NET Runtime - 8.0.11 (x64)", "64.44.23191", "Microsoft Corporation", "dotnet", "cpe:2.3:a:microsoft:.net:64.44.23191:*:*:*:*:*:*:*", "dotnet", null)]
    [InlineData("TeamViewer", "15.60.3", "TeamViewer", "teamviewer", "cpe:2.3:a:teamviewer:teamviewer:15.60.3:*:*:*:*:*:*:*", null, null)]
    [InlineData("Microsoft Visual Studio Code", "1.95.3", "Microsoft Corporation", "vscode", "cpe:2.3:a:microsoft:visual_studio_code:1.95.3:*:*:*:*:*:*:*", null, null)]
    [InlineData("PuTTY release 0.82 (64-bit)", "0.82.0.0", "Simon Tatham", "putty", "cpe:2.3:a:putty:putty:0.82.0.0:*:*:*:*:*:*:*", null, null)]
    [InlineData("Git", "2.47.1", "The Git Development Community", "git", "cpe:2.3:a:git-scm:git:2.47.1:*:*:*:*:*:*:*", null, null)]
    public void SchoolSoftwareIsIdentified(string name, string version, string? publisher, string id, string identity, string? eolProduct, string? cycle)
    {
        var found = SoftwareCatalog.Default.Identify(name, version, publisher);
        Assert.NotNull(found);
        Assert.Equal((id, identity, eolProduct, cycle), (found.CatalogId, found.Identity, found.EndOfLifeProduct, found.EndOfLifeCycle));
    }

    [Theory]
    [InlineData("Windows 10 Education", "10.0.19045.4780", "cpe:2.3:o:microsoft:windows_10_22h2:10.0.19045.4780:*:*:*:*:*:*:*", "windows", "10-22h2")]
    [InlineData("Windows 10 Pro", "10.0.19045.4780", "cpe:2.3:o:microsoft:windows_10_22h2:10.0.19045.4780:*:*:*:*:*:*:*", "windows", "10-22h2")]
    [InlineData("Windows 10 Education", "10.0.22631.4460", "cpe:2.3:o:microsoft:windows_11_23h2:10.0.22631.4460:*:*:*:*:*:*:*", "windows", "11-23h2-e")]
    [InlineData("Windows 11 Pro", "10.0.26100.2314", "cpe:2.3:o:microsoft:windows_11_24h2:10.0.26100.2314:*:*:*:*:*:*:*", "windows", "11-24h2-w")]
    [InlineData("Microsoft Windows 11 Education", "10.0.26100.2314", "cpe:2.3:o:microsoft:windows_11_24h2:10.0.26100.2314:*:*:*:*:*:*:*", "windows", "11-24h2-e")]
    [InlineData("Windows 11 Enterprise", "10.0.22631.4460", "cpe:2.3:o:microsoft:windows_11_23h2:10.0.22631.4460:*:*:*:*:*:*:*", "windows", "11-23h2-e")]
    [InlineData("Windows Server 2019 Datacenter", "10.0.17763.6532", "cpe:2.3:o:microsoft:windows_server_2019:10.0.17763.6532:*:*:*:*:*:*:*", "windows-server", "2019")]
    [InlineData("Windows Server 2022 Standard", "10.0.20348.2849", "cpe:2.3:o:microsoft:windows_server_2022:10.0.20348.2849:*:*:*:*:*:*:*", "windows-server", "2022")]
    public void WindowsReleaseComesFromTheBuildAndLifecycleFromTheEdition(string name, string version, string identity, string eolProduct, string cycle)
    {
        // The registry's ProductName says "Windows 10" on Windows 11: the build decides. (22H2 has one cycle for all editions on endoflife.date.)
        var found = SoftwareCatalog.Default.Identify(name, version, "Microsoft Corporation");
        Assert.NotNull(found);
        Assert.Equal(VersionSchemeKind.Windows, found.Scheme);
        Assert.Equal((identity, eolProduct, cycle), (found.Identity, found.EndOfLifeProduct, found.EndOfLifeCycle));
    }

    [Theory]
    [InlineData("Some Vendor Tool", "1.0", null)]
    [InlineData("Firefox Helper Extension", "2.0", null)]
    [InlineData("Zoom", "6.2.11", "Acme Look-alikes Ltd")]
    [InlineData("Windows Driver Package - Intel", "1.0", "Intel")]
    [InlineData("Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.40.33810", "14.40.33810.0", "Microsoft Corporation")]
    [InlineData("Mozilla Maintenance Service", "133.0.3", "Mozilla")]
    [InlineData("Git", "2.47.1", "Some Other Git Corp")]
    public void WhatTheCatalogDoesNotKnowStaysUnmapped(string name, string version, string? publisher) =>
        Assert.Null(SoftwareCatalog.Default.Identify(name, version, publisher));

    [Fact]
    public void WindowsEditionUnknownGivesNoCycleRatherThanAGuess()
    {
        var found = SoftwareCatalog.Default.Identify("Windows 11", "10.0.26100.2314", null);
        Assert.NotNull(found);
        Assert.Null(found.EndOfLifeCycle);
    }

    [Fact]
    public void IdentifyCommandWritesOneLinePerInputAndNamesBadLines()
    {
        var input = new StringReader("Mozilla Firefox (x64 nl)\t133.0.3\tMozilla\nUnknown Thing\t1.0\t\n\t1.0\tnobody\n7-Zip 23.01 (x64)\t23.01\n");
        var output = new StringWriter();
        var error = new StringWriter();
        var code = InventoryCommands.Identify(SoftwareCatalog.Default, input, output, error);
        Assert.Equal(2, code);
        Assert.Equal(
            ["cpe:2.3:a:mozilla:firefox:133.0.3:*:*:*:*:*:*:*\tgeneric\tfirefox\t133", "unmapped", "cpe:2.3:a:7-zip:7-zip:23.01:*:*:*:*:*:*:*\tgeneric\t-\t-"],
            output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("line 3:", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryCatalogEntryHasAKnownSchemeAndAValidPattern() => Assert.True(SoftwareCatalog.Default.Count >= 30);
}
