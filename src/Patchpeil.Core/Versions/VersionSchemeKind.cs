namespace Patchpeil.Core.Versions;

/// <summary>The version ordering rules a component follows.</summary>
public enum VersionSchemeKind
{
    Unknown = 0,
    Deb,
    Rpm,
    Apk,
    SemVer,
    Npm,
    NuGet,
    Pypi,
    Maven,
    Go,
    Windows,
    Chrome,
    Apple,
    ChromeOs,
    Generic,
}
