using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Patchpeil.Server.Data.Migrations.Postgres
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    AdvisoryId = table.Column<Guid>(type: "uuid", nullable: false),
                    VulnerabilityId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Origin = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Scorer = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    CvssVersion = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: true),
                    Vector = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    BaseScore = table.Column<decimal>(type: "numeric(3,1)", precision: 3, scale: 1, nullable: true),
                    Severity = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true)
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Label = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Category = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    Aliases = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    Identifiers = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    Revision = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    ModifiedUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ContentSha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    FetchedUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    FileName = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LifecycleProduct", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "LifecycleCycle",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ProductId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Codename = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Label = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ReleaseDate = table.Column<DateOnly>(type: "date", nullable: true),
                    IsLts = table.Column<bool>(type: "boolean", nullable: false),
                    LtsFrom = table.Column<DateOnly>(type: "date", nullable: true),
                    EolKind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    EolDate = table.Column<DateOnly>(type: "date", nullable: true),
                    ActiveSupportKind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    ActiveSupportDate = table.Column<DateOnly>(type: "date", nullable: true),
                    ExtendedSupportKind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    ExtendedSupportDate = table.Column<DateOnly>(type: "date", nullable: true),
                    DiscontinuedKind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    DiscontinuedDate = table.Column<DateOnly>(type: "date", nullable: true),
                    Latest = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    LatestDate = table.Column<DateOnly>(type: "date", nullable: true),
                    LatestLink = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
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
