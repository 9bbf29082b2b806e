using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Patchpeil.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AddAdvisoryScores : Migration
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

            migrationBuilder.CreateIndex(
                name: "IX_AdvisoryScore_AdvisoryId",
                table: "AdvisoryScore",
                column: "AdvisoryId");

            migrationBuilder.CreateIndex(
                name: "IX_AdvisoryScore_VulnerabilityId",
                table: "AdvisoryScore",
                column: "VulnerabilityId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AdvisoryScore");
        }
    }
}
