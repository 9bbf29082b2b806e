namespace Patchpeil.Core.Tests;

/// <summary>Paths of the fixtures copied to the test output (tests/fixtures/identities/** → fixtures/identities/…).</summary>
internal static class IdentityFixtures
{
    public static string Path(params string[] parts) =>
        System.IO.Path.Combine([AppContext.BaseDirectory, "fixtures", "identities", .. parts]);
}
