using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Patchpeil.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Findings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DistributionId",
                table: "AssetSnapshot",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DistributionVersion",
                table: "AssetSnapshot",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OsEdition",
                table: "AssetSnapshot",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "AssetFinding",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    AssetId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Component = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    ComponentKey = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    Version = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Subject = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Source = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    DocumentId = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Revision = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Range = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    ComparedVersion = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Rule = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    Comparisons = table.Column<string>(type: "text", nullable: false),
                    Confidence = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    Priority = table.Column<int>(type: "integer", nullable: false),
                    Urgent = table.Column<bool>(type: "boolean", nullable: false),
                    PriorityReasons = table.Column<string>(type: "text", nullable: false),
                    Cvss = table.Column<decimal>(type: "numeric(3,1)", precision: 3, scale: 1, nullable: true),
                    CvssSource = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Epss = table.Column<decimal>(type: "numeric(6,5)", precision: 6, scale: 5, nullable: true),
                    KnownExploited = table.Column<bool>(type: "boolean", nullable: false),
                    NcscLabel = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    FirstSeenUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LastMatchedUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    DeadlineStartUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    DeadlineUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    PolicyVersionId = table.Column<Guid>(type: "uuid", nullable: true),
                    PolicyVersion = table.Column<int>(type: "integer", nullable: false),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    StateChangedUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    StateReason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    ResolvedUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ResolvedBySnapshotId = table.Column<Guid>(type: "uuid", nullable: true),
                    VerifiedUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    VerifiedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    AcceptanceReason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    AcceptanceMeasures = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    AcceptanceRequestedById = table.Column<Guid>(type: "uuid", nullable: true),
                    AcceptanceRequestedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    AcceptanceRequestedUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    AcceptanceApprovedById = table.Column<Guid>(type: "uuid", nullable: true),
                    AcceptanceApprovedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    AcceptanceApprovedUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    AcceptanceExpiresUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    VexJustification = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    FalsePositiveReason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    FalsePositiveVersion = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AssetFinding", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AssetFinding_Assets_AssetId",
                        column: x => x.AssetId,
                        principalTable: "Assets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_AssetFinding_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "FindingStateChange",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    FindingId = table.Column<Guid>(type: "uuid", nullable: false),
                    AtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    From = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    To = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Action = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Actor = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    ActorUserId = table.Column<Guid>(type: "uuid", nullable: true),
                    Reason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    SnapshotId = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FindingStateChange", x => x.Id);
                    table.ForeignKey(
                        name: "FK_FindingStateChange_AssetFinding_FindingId",
                        column: x => x.FindingId,
                        principalTable: "AssetFinding",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_FindingStateChange_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AssetFinding_AcceptanceExpiresUtc",
                table: "AssetFinding",
                column: "AcceptanceExpiresUtc");

            migrationBuilder.CreateIndex(
                name: "IX_AssetFinding_AssetId",
                table: "AssetFinding",
                column: "AssetId");

            migrationBuilder.CreateIndex(
                name: "IX_AssetFinding_OrganisationId_AssetId_ComponentKey_Subject",
                table: "AssetFinding",
                columns: new[] { "OrganisationId", "AssetId", "ComponentKey", "Subject" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AssetFinding_OrganisationId_ComponentKey",
                table: "AssetFinding",
                columns: new[] { "OrganisationId", "ComponentKey" });

            migrationBuilder.CreateIndex(
                name: "IX_AssetFinding_OrganisationId_DeadlineUtc",
                table: "AssetFinding",
                columns: new[] { "OrganisationId", "DeadlineUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_AssetFinding_OrganisationId_State_Priority",
                table: "AssetFinding",
                columns: new[] { "OrganisationId", "State", "Priority" });

            migrationBuilder.CreateIndex(
                name: "IX_AssetFinding_OrganisationId_Subject",
                table: "AssetFinding",
                columns: new[] { "OrganisationId", "Subject" });

            migrationBuilder.CreateIndex(
                name: "IX_FindingStateChange_FindingId_Id",
                table: "FindingStateChange",
                columns: new[] { "FindingId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_FindingStateChange_OrganisationId",
                table: "FindingStateChange",
                column: "OrganisationId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "FindingStateChange");

            migrationBuilder.DropTable(
                name: "AssetFinding");

            migrationBuilder.DropColumn(
                name: "DistributionId",
                table: "AssetSnapshot");

            migrationBuilder.DropColumn(
                name: "DistributionVersion",
                table: "AssetSnapshot");

            migrationBuilder.DropColumn(
                name: "OsEdition",
                table: "AssetSnapshot");
        }
    }
}
