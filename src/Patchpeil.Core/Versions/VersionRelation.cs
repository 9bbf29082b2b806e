namespace Patchpeil.Core.Versions;

/// <summary>
/// The outcome of comparing two versions when the scheme may not define an order. Range evaluation uses
/// <see cref="Unordered"/> to report "equality only" instead of guessing.
/// </summary>
public enum VersionRelation
{
    Less = -1,
    Equal = 0,
    Greater = 1,

    /// <summary>The versions differ, but the scheme cannot say which one is newer.</summary>
    Unordered = 2,
}

public static class VersionRelationExtensions
{
    /// <summary>-1, 0 or 1 for an ordered result; <c>null</c> for <see cref="VersionRelation.Unordered"/>.</summary>
    public static int? ToSign(this VersionRelation relation) => relation switch
    {
        VersionRelation.Less => -1,
        VersionRelation.Equal => 0,
        VersionRelation.Greater => 1,
        _ => null,
    };

    public static VersionRelation FromSign(int sign) =>
        sign < 0 ? VersionRelation.Less : sign > 0 ? VersionRelation.Greater : VersionRelation.Equal;
}
