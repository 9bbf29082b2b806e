using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Patchpeil.Server.Data;

// `dotnet ef` builds each provider's context here, without starting the host. See scripts/add-migration.sh.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqlitePatchpeilDbContext>
{
    public SqlitePatchpeilDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlitePatchpeilDbContext>().UseSqlite("Data Source=design-time.db").Options, new RequestContext(), TimeProvider.System);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresPatchpeilDbContext>
{
    public PostgresPatchpeilDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresPatchpeilDbContext>().UseNpgsql("Host=localhost;Database=patchpeil_design").Options, new RequestContext(), TimeProvider.System);
}
