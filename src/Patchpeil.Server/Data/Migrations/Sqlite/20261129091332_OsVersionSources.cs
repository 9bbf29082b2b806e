using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Patchpeil.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OsVersionSources : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "OsVersionLine",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Product = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Line = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Label = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    LatestVersion = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    LatestBuild = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    LatestReleaseDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    LatestExpirationDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    LatestSecurityContent = table.Column<bool>(type: "INTEGER", nullable: true),
                    Revision = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ContentSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    FetchedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 400, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OsVersionLine", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "OsVersionRelease",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    LineId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    Version = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Build = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    AllBuilds = table.Column<string>(type: "TEXT", nullable: true),
                    ReleaseDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    ExpirationDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    SecurityContent = table.Column<bool>(type: "INTEGER", nullable: true),
                    CveCount = table.Column<int>(type: "INTEGER", nullable: false),
                    ActivelyExploitedCves = table.Column<string>(type: "TEXT", nullable: true),
                    SupportedModels = table.Column<string>(type: "TEXT", nullable: true),
                    SecurityInfo = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    FullyRolledOut = table.Column<bool>(type: "INTEGER", nullable: false),
                    Serving = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OsVersionRelease", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OsVersionRelease_OsVersionLine_LineId",
                        column: x => x.LineId,
                        principalTable: "OsVersionLine",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_OsVersionLine_Source_Product_Line",
                table: "OsVersionLine",
                columns: new[] { "Source", "Product", "Line" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_OsVersionRelease_LineId_Position",
                table: "OsVersionRelease",
                columns: new[] { "LineId", "Position" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "OsVersionRelease");

            migrationBuilder.DropTable(
                name: "OsVersionLine");
        }
    }
}
