using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Patchpeil.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PatchPolicy : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "PatchPolicyVersions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    UrgentHours = table.Column<int>(type: "integer", nullable: false),
                    P1Days = table.Column<int>(type: "integer", nullable: false),
                    P2Days = table.Column<int>(type: "integer", nullable: false),
                    P3Days = table.Column<int>(type: "integer", nullable: false),
                    P4Days = table.Column<int>(type: "integer", nullable: false),
                    EndOfSupportPlanDays = table.Column<int>(type: "integer", nullable: false),
                    Overrides = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    WarningMonths = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    MaxRiskAcceptanceMonths = table.Column<int>(type: "integer", nullable: false),
                    Scope = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    CreatedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ApprovedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    ApprovedUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ApprovalReference = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PatchPolicyVersions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PatchPolicyVersions_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PatchPolicyVersions_OrganisationId_Version",
                table: "PatchPolicyVersions",
                columns: new[] { "OrganisationId", "Version" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PatchPolicyVersions");
        }
    }
}
