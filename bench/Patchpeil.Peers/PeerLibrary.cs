using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Patchpeil.Peers;

/// <summary>
/// The reference implementations, loaded from <c>bench/peers/out/libpatchpeil_peers.so</c>: libapt-pkg's
/// <c>debVS.CmpVersion</c> and librpm's <c>rpmvercmp</c> applied to E, V and R as <c>rpmverCmp</c> does. Calls go
/// through unmanaged function pointers, so the only cost between us and the peer is the GC transition. Results are
/// -1, 0 or 1.
/// </summary>
public sealed unsafe class PeerLibrary
{
    public const string FileName = "libpatchpeil_peers.so";

    /// <summary>Overrides where the library is looked for (a full path to the .so).</summary>
    public const string PathVariable = "PATCHPEIL_PEERS_LIB";

    private readonly delegate* unmanaged<byte*, byte*, int> _debCmp;
    private readonly delegate* unmanaged<byte**, byte**, int, int*, long> _debCmpBatch;
    private readonly delegate* unmanaged<byte*, byte*, int> _rpmCmp;
    private readonly delegate* unmanaged<byte**, byte**, int, int*, long> _rpmCmpBatch;
    private readonly delegate* unmanaged<byte*, byte*, int> _rpmEvrCmp;

    private PeerLibrary(string path, nint handle)
    {
        Path = path;
        _debCmp = (delegate* unmanaged<byte*, byte*, int>)NativeLibrary.GetExport(handle, "pp_deb_cmp");
        _debCmpBatch = (delegate* unmanaged<byte**, byte**, int, int*, long>)NativeLibrary.GetExport(handle, "pp_deb_cmp_batch");
        _rpmCmp = (delegate* unmanaged<byte*, byte*, int>)NativeLibrary.GetExport(handle, "pp_rpm_cmp");
        _rpmCmpBatch = (delegate* unmanaged<byte**, byte**, int, int*, long>)NativeLibrary.GetExport(handle, "pp_rpm_cmp_batch");
        _rpmEvrCmp = (delegate* unmanaged<byte*, byte*, int>)NativeLibrary.GetExport(handle, "pp_rpm_evr_cmp");
    }

    public string Path { get; }

    /// <summary>
    /// Loads the shim, building it with <c>bench/peers/build.sh</c> when it is missing or older than its source.
    /// Returns null and says why when the peers are not available on this machine.
    /// </summary>
    public static PeerLibrary? TryLoad(out string reason)
    {
        if (!OperatingSystem.IsLinux())
        {
            reason = "the peers (libapt-pkg, librpm) are only built on Linux";
            return null;
        }

        var path = Environment.GetEnvironmentVariable(PathVariable);
        if (string.IsNullOrEmpty(path))
        {
            var root = FindRepositoryRoot();
            if (root is null)
            {
                reason = $"no Patchpeil.slnx above {AppContext.BaseDirectory}, so bench/peers cannot be found; set {PathVariable}";
                return null;
            }

            var peersDirectory = System.IO.Path.Combine(root, "bench", "peers");
            path = System.IO.Path.Combine(peersDirectory, "out", FileName);
            var buildError = Build(peersDirectory);
            if (buildError is not null && !File.Exists(path))
            {
                reason = buildError;
                return null;
            }
        }

        if (!File.Exists(path))
        {
            reason = $"{path} does not exist";
            return null;
        }

        if (!NativeLibrary.TryLoad(path, out var handle))
        {
            reason = $"{path} exists but does not load (are libapt-pkg and librpm installed?)";
            return null;
        }

        reason = string.Empty;
        return new PeerLibrary(path, handle);
    }

    /// <summary>Runs build.sh (a no-op when the library is up to date); returns why it failed, or null.</summary>
    private static string? Build(string peersDirectory)
    {
        var script = System.IO.Path.Combine(peersDirectory, "build.sh");
        if (!File.Exists(script))
        {
            return $"{script} is missing";
        }

        var start = new ProcessStartInfo("/bin/sh")
        {
            ArgumentList = { script },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start);
        if (process is null)
        {
            return "could not start /bin/sh";
        }

        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        _ = stdout.Result;
        return process.ExitCode == 0 ? null : $"bench/peers/build.sh failed: {stderr.Trim()}";
    }

    private static string? FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Patchpeil.slnx")))
            {
                return directory.FullName;
            }
        }

        return null;
    }

    public int DebCompare(byte* a, byte* b) => _debCmp(a, b);

    public int RpmCompare(byte* a, byte* b) => _rpmCmp(a, b);

    /// <summary>librpm's own rpmverParse + rpmverCmp (allocates); -2 when librpm rejects a side.</summary>
    public int RpmEvrCompare(byte* a, byte* b) => _rpmEvrCmp(a, b);

    public long DebCompareBatch(NativeStrings a, NativeStrings b, int* results) => Batch(_debCmpBatch, a, b, results);

    public long RpmCompareBatch(NativeStrings a, NativeStrings b, int* results) => Batch(_rpmCmpBatch, a, b, results);

    private static long Batch(delegate* unmanaged<byte**, byte**, int, int*, long> batch, NativeStrings a, NativeStrings b, int* results)
    {
        if (a.Count != b.Count)
        {
            throw new ArgumentException("Both sides need the same number of strings.", nameof(b));
        }

        return batch(a.Pointers, b.Pointers, a.Count, results);
    }

    /// <summary>Compares two managed strings; encodes them as NUL-terminated UTF-8 on the stack.</summary>
    public int DebCompare(string a, string b) => Call(_debCmp, a, b);

    public int RpmCompare(string a, string b) => Call(_rpmCmp, a, b);

    public int RpmEvrCompare(string a, string b) => Call(_rpmEvrCmp, a, b);

    private static int Call(delegate* unmanaged<byte*, byte*, int> compare, string a, string b)
    {
        // One NUL before each string as well as after: apt reads the byte before a version that starts with '-'
        // (*(dlhs-1) in debversion.cc), and a fixed byte there keeps its answer deterministic.
        Span<byte> bufferA = a.Length < 512 ? stackalloc byte[(a.Length * 3) + 2] : new byte[(a.Length * 3) + 2];
        Span<byte> bufferB = b.Length < 512 ? stackalloc byte[(b.Length * 3) + 2] : new byte[(b.Length * 3) + 2];
        bufferA[0] = 0;
        bufferB[0] = 0;
        var lengthA = System.Text.Encoding.UTF8.GetBytes(a, bufferA[1..]);
        var lengthB = System.Text.Encoding.UTF8.GetBytes(b, bufferB[1..]);
        bufferA[lengthA + 1] = 0;
        bufferB[lengthB + 1] = 0;
        fixed (byte* pa = bufferA)
        fixed (byte* pb = bufferB)
        {
            return compare(pa + 1, pb + 1);
        }
    }
}
