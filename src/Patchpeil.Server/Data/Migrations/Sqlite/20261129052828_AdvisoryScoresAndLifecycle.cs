using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Patchpeil.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AdvisoryScoresAndLifecycle : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AdvisoryScore",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AdvisoryId = table.Column<Guid>(type: "TEXT", nullable: false),
                    VulnerabilityId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Origin = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Scorer = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    CvssVersion = table.Column<string>(type: "TEXT", maxLength: 10, nullable: true),
                    Vector = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    BaseScore = table.Column<decimal>(type: "TEXT", precision: 3, scale: 1, nullable: true),
                    Severity = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AdvisoryScore", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AdvisoryScore_Advisory_AdvisoryId",
                        column: x => x.AdvisoryId,
                        principalTable: "Advisory",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "LifecycleProduct",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Label = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Category = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    Aliases = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    Identifiers = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    Revision = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    ModifiedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ContentSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    FetchedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 400, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LifecycleProduct", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "LifecycleCycle",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProductId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Codename = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Label = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ReleaseDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    IsLts = table.Column<bool>(type: "INTEGER", nullable: false),
                    LtsFrom = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    EolKind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    EolDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    ActiveSupportKind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    ActiveSupportDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    ExtendedSupportKind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    ExtendedSupportDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    DiscontinuedKind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    DiscontinuedDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    Latest = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    LatestDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    LatestLink = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LifecycleCycle", x => x.Id);
                    table.ForeignKey(
                        name: "FK_LifecycleCycle_LifecycleProduct_ProductId",
                        column: x => x.ProductId,
                        principalTable: "LifecycleProduct",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AdvisoryScore_AdvisoryId",
                table: "AdvisoryScore",
                column: "AdvisoryId");

            migrationBuilder.CreateIndex(
                name: "IX_AdvisoryScore_VulnerabilityId",
                table: "AdvisoryScore",
                column: "VulnerabilityId");

            migrationBuilder.CreateIndex(
                name: "IX_LifecycleCycle_ProductId_Name",
                table: "LifecycleCycle",
                columns: new[] { "ProductId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_LifecycleProduct_Name",
                table: "LifecycleProduct",
                column: "Name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AdvisoryScore");

            migrationBuilder.DropTable(
                name: "LifecycleCycle");

            migrationBuilder.DropTable(
                name: "LifecycleProduct");
        }
    }
}
