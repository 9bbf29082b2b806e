namespace Patchpeil.Agent.MacOS;

/// <summary>The identity an application bundle declares in Contents/Info.plist.</summary>
public sealed record InfoPlist(string? BundleIdentifier, string? ShortVersion, string? BundleVersion, string? Name)
{
    /// <summary>The version users see (CFBundleShortVersionString), else the build version (CFBundleVersion).</summary>
    public string? Version => ShortVersion ?? BundleVersion;

    public static InfoPlist Read(string path) => From(Plist.Read(path), path);

    public static InfoPlist From(object plist, string fileName)
    {
        if (plist is not Dictionary<string, object> dict)
        {
            throw new InputFormatException(fileName, null, "Info.plist must hold a <dict> at the top");
        }

        string? Text(string key) => dict.GetValueOrDefault(key) is string { Length: > 0 } text ? text.Trim() : null;
        var info = new InfoPlist(Text("CFBundleIdentifier"), Text("CFBundleShortVersionString"), Text("CFBundleVersion"), Text("CFBundleName") ?? Text("CFBundleDisplayName"));
        return info.BundleIdentifier is null && info.Version is null
            ? throw new InputFormatException(fileName, null, "neither CFBundleIdentifier nor a version (CFBundleShortVersionString, CFBundleVersion): not an application's Info.plist")
            : info;
    }
}
