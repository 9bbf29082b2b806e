using Microsoft.EntityFrameworkCore;
using Patchpeil.Server.Data;

namespace Patchpeil.Server.Tests;

public class MigrationTests
{
    [Fact]
    public void SqliteModelHasNoPendingChanges()
    {
        using var db = new SqlitePatchpeilDbContext(
            new DbContextOptionsBuilder<SqlitePatchpeilDbContext>().UseSqlite("Data Source=:memory:").Options, new RequestContext(), TimeProvider.System);
        Assert.False(db.Database.HasPendingModelChanges(), "The model changed without a SQLite migration: run scripts/add-migration.sh");
        Assert.NotEmpty(db.Database.GetMigrations());
    }

    [Fact]
    public void PostgresModelHasNoPendingChanges()
    {
        using var db = new PostgresPatchpeilDbContext(
            new DbContextOptionsBuilder<PostgresPatchpeilDbContext>().UseNpgsql("Host=unused").Options, new RequestContext(), TimeProvider.System);
        Assert.False(db.Database.HasPendingModelChanges(), "The model changed without a PostgreSQL migration: run scripts/add-migration.sh");
        Assert.NotEmpty(db.Database.GetMigrations());
    }
}
