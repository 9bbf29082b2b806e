using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Patchpeil.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AddAdvisories : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Advisory",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    DocumentId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Publisher = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Title = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Severity = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    NcscLabel = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    PublishedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ModifiedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CurrentRevision = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    ContentSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Language = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    Withdrawn = table.Column<bool>(type: "INTEGER", nullable: false),
                    SearchText = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Advisory", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "EpssScore",
                columns: table => new
                {
                    CveId = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    Score = table.Column<decimal>(type: "TEXT", precision: 9, scale: 5, nullable: false),
                    Percentile = table.Column<decimal>(type: "TEXT", precision: 9, scale: 5, nullable: false),
                    ScoreDateUtc = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EpssScore", x => x.CveId);
                });

            migrationBuilder.CreateTable(
                name: "ImportRun",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    StartedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Added = table.Column<int>(type: "INTEGER", nullable: false),
                    Changed = table.Column<int>(type: "INTEGER", nullable: false),
                    Unchanged = table.Column<int>(type: "INTEGER", nullable: false),
                    Quarantined = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ImportRun", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "KevEntry",
                columns: table => new
                {
                    CveId = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    VendorProject = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Product = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    VulnerabilityName = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    DateAdded = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    DueDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    KnownRansomwareUse = table.Column<bool>(type: "INTEGER", nullable: false),
                    CatalogVersion = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_KevEntry", x => x.CveId);
                });

            migrationBuilder.CreateTable(
                name: "AdvisoryRevision",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AdvisoryId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Revision = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    ModifiedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ContentSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    FetchedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 400, nullable: true),
                    Content = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AdvisoryRevision", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AdvisoryRevision_Advisory_AdvisoryId",
                        column: x => x.AdvisoryId,
                        principalTable: "Advisory",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AdvisoryVulnerability",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AdvisoryId = table.Column<Guid>(type: "TEXT", nullable: false),
                    VulnerabilityId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    CvssVersion = table.Column<string>(type: "TEXT", maxLength: 10, nullable: true),
                    CvssVector = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    CvssScore = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AdvisoryVulnerability", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AdvisoryVulnerability_Advisory_AdvisoryId",
                        column: x => x.AdvisoryId,
                        principalTable: "Advisory",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AffectedProduct",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AdvisoryId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Vendor = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Identity = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Range = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    FixedVersions = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    Remediation = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    RemediationUrl = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AffectedProduct", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AffectedProduct_Advisory_AdvisoryId",
                        column: x => x.AdvisoryId,
                        principalTable: "Advisory",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "QuarantinedItem",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ImportRunId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Location = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    Index = table.Column<int>(type: "INTEGER", nullable: true),
                    Reasons = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_QuarantinedItem", x => x.Id);
                    table.ForeignKey(
                        name: "FK_QuarantinedItem_ImportRun_ImportRunId",
                        column: x => x.ImportRunId,
                        principalTable: "ImportRun",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Advisory_PublishedUtc",
                table: "Advisory",
                column: "PublishedUtc");

            migrationBuilder.CreateIndex(
                name: "IX_Advisory_Source_DocumentId",
                table: "Advisory",
                columns: new[] { "Source", "DocumentId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AdvisoryRevision_AdvisoryId_ContentSha256",
                table: "AdvisoryRevision",
                columns: new[] { "AdvisoryId", "ContentSha256" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AdvisoryVulnerability_AdvisoryId",
                table: "AdvisoryVulnerability",
                column: "AdvisoryId");

            migrationBuilder.CreateIndex(
                name: "IX_AdvisoryVulnerability_VulnerabilityId",
                table: "AdvisoryVulnerability",
                column: "VulnerabilityId");

            migrationBuilder.CreateIndex(
                name: "IX_AffectedProduct_AdvisoryId",
                table: "AffectedProduct",
                column: "AdvisoryId");

            migrationBuilder.CreateIndex(
                name: "IX_ImportRun_StartedUtc",
                table: "ImportRun",
                column: "StartedUtc");

            migrationBuilder.CreateIndex(
                name: "IX_QuarantinedItem_ImportRunId",
                table: "QuarantinedItem",
                column: "ImportRunId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AdvisoryRevision");

            migrationBuilder.DropTable(
                name: "AdvisoryVulnerability");

            migrationBuilder.DropTable(
                name: "AffectedProduct");

            migrationBuilder.DropTable(
                name: "EpssScore");

            migrationBuilder.DropTable(
                name: "KevEntry");

            migrationBuilder.DropTable(
                name: "QuarantinedItem");

            migrationBuilder.DropTable(
                name: "Advisory");

            migrationBuilder.DropTable(
                name: "ImportRun");
        }
    }
}
