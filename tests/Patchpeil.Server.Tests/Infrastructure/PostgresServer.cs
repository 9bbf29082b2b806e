using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

[assembly: AssemblyFixture(typeof(Patchpeil.Server.Tests.Infrastructure.PostgresServer))]

namespace Patchpeil.Server.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL for the whole test run: PATCHPEIL_TEST_POSTGRES when set, otherwise a throwaway cluster
/// (initdb into a temporary folder, a free port on 127.0.0.1) when the server binaries are installed.
/// Without either, PostgreSQL tests skip and say why.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private string? _folder;
    private string? _pgCtl;
    private string? _adminConnectionString;
    private int _databases;

    public string? UnavailableReason { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var external = Environment.GetEnvironmentVariable("PATCHPEIL_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(external))
        {
            _adminConnectionString = external;
            return;
        }

        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderDescending().FirstOrDefault()
            : null;
        if (bin is null)
        {
            UnavailableReason = "PostgreSQL tests skipped: set PATCHPEIL_TEST_POSTGRES or install the postgresql package (initdb not found under /usr/lib/postgresql).";
            return;
        }

        _folder = Path.Combine(Path.GetTempPath(), "patchpeil-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_folder);
        var port = FreePort();
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            // initdb refuses to run as root: the cluster belongs to the postgres user.
            await RunAsync("chown", $"postgres:postgres {_folder}", null);
        }

        _pgCtl = Path.Combine(bin, "pg_ctl");
        await RunAsync(Path.Combine(bin, "initdb"), $"-D {_folder}/data -A trust -U patchpeil --no-sync", asRoot ? "postgres" : null);
        await RunAsync(_pgCtl, $"-D {_folder}/data -o \"-p {port} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=400\" -l {_folder}/log -w start", asRoot ? "postgres" : null);
        _adminConnectionString = $"Host=127.0.0.1;Port={port};Username=patchpeil;Database=postgres";
    }

    /// <summary>A new, empty database for one test class.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        if (UnavailableReason is not null)
        {
            Assert.Skip(UnavailableReason);
        }

        var name = $"pp_test_{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}";
        await using (var connection = new NpgsqlConnection(_adminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = name, Pooling = true }.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        if (_pgCtl is not null && _folder is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await RunAsync(_pgCtl, $"-D {_folder}/data -m immediate stop", Environment.UserName == "root" ? "postgres" : null);
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temporary folder is harmless.
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, string arguments, string? asUser)
    {
        var start = asUser is null
            ? new ProcessStartInfo(file, arguments)
            : new ProcessStartInfo("runuser", $"-u {asUser} -- {file} {arguments}");
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            var (stdout, stderr) = (await output, await error);
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{file} {arguments} exited with {process.ExitCode}: {stdout}{stderr}"));
        }
    }
}
