using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Tests.Versions;

public class KeyedSchemeTests
{
    [Fact]
    public void AlpineConformance()
    {
        var path = VersionVectors.FixturePath("vers-spec", "alpine_version_cmp_test.json");
        var tests = VersTest.Load(path);
        Assert.Equal(VersTest.CountTests(path), tests.Count);
        VersionVectors.Run("apk/vers-spec/alpine_version_cmp_test", tests, 716, t => t.Check(VersionSchemes.Get(VersionSchemeKind.Apk)));
    }
}
