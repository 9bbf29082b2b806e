using Patchpeil.Core.Versions;

namespace Patchpeil.Core.Inventory;

/// <summary>`patchpeil inventory identify`: how Patchpeil will read a list of installed software.</summary>
public static class InventoryCommands
{
    /// <summary>
    /// Reads lines `name TAB version TAB publisher` (version and publisher may be empty) and writes per line
    /// `identity TAB scheme TAB endoflife-product TAB cycle` ("-" where unknown) or `unmapped`. A line without a name
    /// is reported on <paramref name="error"/> with its number; the exit code is then 2.
    /// </summary>
    public static int Identify(SoftwareCatalog catalog, TextReader input, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var number = 0;
        var bad = false;
        while (input.ReadLine() is { } line)
        {
            number++;
            var fields = line.Split('\t');
            if (fields[0].Trim().Length == 0 || fields.Length > 3 || line.Length > 4096)
            {
                error.WriteLine($"line {number}: expected 'name<TAB>version<TAB>publisher' with a name");
                bad = true;
                continue;
            }

            var found = catalog.Identify(fields[0], fields.Length > 1 ? fields[1] : null, fields.Length > 2 ? fields[2] : null);
            output.WriteLine(found is null
                ? "unmapped"
                : $"{found.Identity}\t{VersionSchemes.Get(found.Scheme).Name}\t{found.EndOfLifeProduct ?? "-"}\t{found.EndOfLifeCycle ?? "-"}");
        }

        return bad ? 2 : 0;
    }
}
