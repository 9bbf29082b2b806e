using Patchpeil.Contracts;

namespace Patchpeil.Agent.Linux;

/// <summary>
/// Reads Alpine's installed database (/lib/apk/db/installed): one-letter fields per line, packages separated by a
/// blank line. P = name, V = version, A = architecture, o = origin (the source package Alpine advisories name).
/// </summary>
public static class ApkDatabase
{
    public static List<InstalledItem> Parse(TextReader reader)
    {
        var items = new List<InstalledItem>();
        string? name = null, version = null, arch = null, origin = null, maintainer = null;
        void Flush()
        {
            if (name is not null && version is not null)
            {
                items.Add(new InstalledItem("apk", name, version, maintainer, arch, origin ?? name, version));
            }

            name = version = arch = origin = maintainer = null;
        }

        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                Flush();
                continue;
            }

            if (line.Length < 2 || line[1] != ':')
            {
                continue;
            }

            var value = line[2..];
            switch (line[0])
            {
                case 'P': name = value; break;
                case 'V': version = value; break;
                case 'A': arch = value; break;
                case 'o': origin = value; break;
                case 'm': maintainer = value; break;
            }
        }

        Flush();
        return items;
    }
}
