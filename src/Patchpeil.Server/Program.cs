using Patchpeil.Server;
using Patchpeil.Server.Cli;

// The server executable is also the `patchpeil` command line; without a command it serves.
return await PatchpeilCli.RunAsync(args);

namespace Patchpeil.Server
{
    /// <summary>Entry point type, also used by WebApplicationFactory in the tests.</summary>
    public partial class Program;
}
