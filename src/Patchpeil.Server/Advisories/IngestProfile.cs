using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Patchpeil.Server.Advisories;

/// <summary>
/// Where an OSV list import spends its time, for the ingest benchmark (bench/README.md): process CPU time (user + sys,
/// so GC and JIT threads are charged to the section that was running) and wall time per section, summed over the run.
/// Off unless the environment variable <c>PATCHPEIL_INGEST_PROFILE=1</c> is set; then <c>patchpeil feeds import</c>
/// prints the table to stderr at the end. Sections are sequential: the import runs one record at a time.
/// </summary>
internal static class IngestProfile
{
    public enum Section
    {
        ReadRecords,
        Hash,
        StoredLookup,
        ParseValidate,
        Map,
        WriteAdvisories,
        WriteRevisions,
        WriteVulnerabilities,
        WriteProducts,
        WriteScores,
        Commit,
    }

    public static readonly bool Enabled = Environment.GetEnvironmentVariable("PATCHPEIL_INGEST_PROFILE") == "1";

    private static readonly long[] Cpu = new long[Enum.GetValues<Section>().Length];
    private static readonly long[] Wall = new long[Cpu.Length];
    private static readonly long[] Calls = new long[Cpu.Length];

    /// <summary>Starts timing a section; dispose the result to stop. A no-op when disabled.</summary>
    public static Scope Time(Section section) => Enabled ? new Scope(section, Environment.CpuUsage.TotalTime.Ticks, Stopwatch.GetTimestamp()) : default;

    public readonly struct Scope(Section section, long cpuStart, long wallStart) : IDisposable
    {
        public void Dispose()
        {
            if (wallStart == 0)
            {
                return;
            }

            var i = (int)section;
            Cpu[i] += Environment.CpuUsage.TotalTime.Ticks - cpuStart;
            Wall[i] += Stopwatch.GetTimestamp() - wallStart;
            Calls[i]++;
        }
    }

    public static string Report(long records)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"ingest profile ({records:N0} records): section, CPU s, µs CPU per record, wall s, calls");
        double totalCpu = 0, totalWall = 0;
        foreach (var section in Enum.GetValues<Section>())
        {
            var i = (int)section;
            var cpu = TimeSpan.FromTicks(Cpu[i]).TotalSeconds;
            var wall = Stopwatch.GetElapsedTime(0, Wall[i]).TotalSeconds;
            totalCpu += cpu;
            totalWall += wall;
            text.AppendLine(CultureInfo.InvariantCulture, $"  {section,-22}{cpu,9:F2}{cpu * 1e6 / Math.Max(1, records),10:F1}{wall,9:F2}{Calls[i],10}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"  {"total",-22}{totalCpu,9:F2}{totalCpu * 1e6 / Math.Max(1, records),10:F1}{totalWall,9:F2}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  process CPU since start {Environment.CpuUsage.TotalTime.TotalSeconds:F2} s");
        text.AppendLine(CultureInfo.InvariantCulture, $"  JIT: {System.Runtime.JitInfo.GetCompiledMethodCount():N0} methods, {System.Runtime.JitInfo.GetCompilationTime().TotalSeconds:F2} s");
        text.Append(CultureInfo.InvariantCulture, $"  GC: {GC.CollectionCount(0):N0} gen0, {GC.CollectionCount(1):N0} gen1, {GC.CollectionCount(2):N0} gen2, paused {GC.GetTotalPauseDuration().TotalSeconds:F2} s, allocated {GC.GetTotalAllocatedBytes() / 1048576.0:N0} MB, server GC {System.Runtime.GCSettings.IsServerGC}");
        return text.ToString();
    }
}
