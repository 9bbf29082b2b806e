using Microsoft.Extensions.Time.Testing;
using Patchpeil.Core.Feeds;
using Patchpeil.Core.Feeds.EndOfLife;

namespace Patchpeil.Core.Tests.Feeds;

public class EndOfLifeReaderTests
{
    private static readonly TimeSpan Month = TimeSpan.FromDays(30);

    private static EolProduct Product(string name)
    {
        var (product, quarantined) = EndOfLifeReader.ReadProduct(Fixtures.Bytes("endoflife", "api_v1", name + ".json"), name, Fixtures.FetchedAt);
        Assert.Empty(quarantined);
        return product!;
    }

    private static FakeTimeProvider At(int year, int month, int day) => new(new DateTimeOffset(year, month, day, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void AllProductFilesParse()
    {
        var files = Fixtures.Files("endoflife/api_v1").Where(f => !f.EndsWith("products.json", StringComparison.Ordinal)).ToList();

        Assert.Equal(20, files.Count);
        foreach (var file in files)
        {
            var (product, quarantined) = EndOfLifeReader.ReadProduct(File.ReadAllBytes(file), file, Fixtures.FetchedAt);
            Assert.Empty(quarantined);
            Assert.NotEmpty(product!.Releases);
            Assert.Equal(FeedSource.EndOfLife, product.Provenance.Source);
        }

        Assert.Equal(47, Product("windows").Releases.Count);
        Assert.Equal(44, Product("ubuntu").Releases.Count);
        Assert.Equal(144, Product("chrome").Releases.Count);
    }

    [Fact]
    public void ProductListHasEveryProduct()
    {
        var list = EndOfLifeReader.ReadProducts(Fixtures.Bytes("endoflife", "api_v1", "products.json"), "products");

        Assert.Empty(list.Quarantined);
        Assert.Equal(20, list.Items.Count);
        Assert.Contains(list.Items, p => p is { Name: "windows", Category: "os" });
    }

    [Fact]
    public void Windows10EndOfLifeIsComputedFromTheDate()
    {
        var win10 = Product("windows").Releases.Single(r => r.Name == "10-22h2");

        Assert.Equal(new EndOfLifeStatus(EndOfLifeState.Supported, new DateOnly(2025, 10, 14)), win10.State(At(2025, 8, 1), Month));
        Assert.Equal(new EndOfLifeStatus(EndOfLifeState.EndingWithin, new DateOnly(2025, 10, 14)), win10.State(At(2025, 10, 1), Month));
        Assert.Equal(EndOfLifeState.EndOfLife, win10.State(At(2025, 10, 14), Month).State);
        Assert.False(win10.IsEndOfLife(At(2025, 10, 13)));
        Assert.True(win10.IsEndOfLife(At(2025, 10, 14)));
        Assert.Equal(new EndOfLifeStatus(EndOfLifeState.Supported, new DateOnly(2028, 10, 10)), win10.ExtendedSupportState(At(2026, 1, 1), Month));
        Assert.Equal("10.0.19045", win10.Latest!.Name);
    }

    [Fact]
    public void EducationEditionsLiveLongerThanHomeAndPro()
    {
        var releases = Product("windows").Releases;
        var clock = At(2026, 1, 15);

        Assert.True(releases.Single(r => r.Name == "11-23h2-w").IsEndOfLife(clock));
        Assert.False(releases.Single(r => r.Name == "11-23h2-e").IsEndOfLife(clock));
    }

    [Fact]
    public void TheCachedFlagIsNeverUsedForTheDecision()
    {
        var home = Product("windows").Releases.Single(r => r.Name == "11-23h2-w");

        Assert.True(home.StatedIsEol);
        Assert.Equal(EndOfLifeState.Supported, home.State(At(2024, 6, 1), Month).State);
    }

    [Fact]
    public void UbuntuLtsPhasesAreKeptApart()
    {
        var jammy = Product("ubuntu").Releases.Single(r => r.Name == "22.04");

        Assert.True(jammy.IsLts);
        Assert.Equal("Jammy Jellyfish", jammy.Codename);
        Assert.Equal(new LifecycleDate(LifecycleKind.Date, new DateOnly(2024, 9, 30)), jammy.ActiveSupport);
        Assert.Equal(new LifecycleDate(LifecycleKind.Date, new DateOnly(2027, 4, 1)), jammy.EndOfLife);
        Assert.Equal(new LifecycleDate(LifecycleKind.Date, new DateOnly(2032, 4, 9)), jammy.ExtendedSupport);
        Assert.Equal(new EolLatest("22.04.5", new DateOnly(2024, 9, 12), null), jammy.Latest);
    }

    [Fact]
    public void DateOrBooleanFieldsOfProductFilesAndApiV0()
    {
        var json = """
            {"schema_version":"1.2.1","generated_at":"2026-08-22T00:00:00+00:00","result":{"name":"x","label":"X","releases":[
              {"name":"1","eol":true},
              {"name":"2","eol":false},
              {"name":"3","eol":"2026-09-01","eoes":null},
              {"name":"4","isEol":true,"eolFrom":null},
              {"name":"5","isEol":false,"eolFrom":null},
              {"name":"6"}
            ]}}
            """;
        var (product, quarantined) = EndOfLifeReader.ReadProduct(Fixtures.Utf8(json), "x", Fixtures.FetchedAt);
        var clock = At(2026, 8, 25);
        var states = product!.Releases.Select(r => r.State(clock, Month).State).ToList();

        Assert.Empty(quarantined);
        Assert.Equal([EndOfLifeState.EndOfLife, EndOfLifeState.Supported, EndOfLifeState.EndingWithin, EndOfLifeState.EndOfLife, EndOfLifeState.Unknown, EndOfLifeState.Unknown], states);
        Assert.Equal(LifecycleKind.NotApplicable, product.Releases[5].EndOfLife.Kind);
    }

    [Fact]
    public void BrokenReleaseIsQuarantinedByIndex()
    {
        var json = """{"result":{"name":"x","releases":[{"name":"1","eolFrom":"2020-01-01"},{"name":"2","eolFrom":"soon"},{"name":"3","eol":42},"x"]}}""";
        var (product, quarantined) = EndOfLifeReader.ReadProduct(Fixtures.Utf8(json), "x", Fixtures.FetchedAt);

        Assert.Equal(["1"], product!.Releases.Select(r => r.Name));
        Assert.Equal([1, 2, 3], quarantined.Select(q => q.Index!.Value));
        Assert.Contains(quarantined[0].Reasons, r => r is { Code: FeedReasonCodes.InvalidValue, Path: "/result/releases/1/eolFrom" });
        Assert.Contains(quarantined[1].Reasons, r => r is { Code: FeedReasonCodes.JsonType, Path: "/result/releases/2/eol" });
    }
}
