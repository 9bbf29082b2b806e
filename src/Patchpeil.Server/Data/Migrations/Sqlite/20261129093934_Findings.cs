using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Patchpeil.Server.Data.Migrations.Sqlite
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
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DistributionVersion",
                table: "AssetSnapshot",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OsEdition",
                table: "AssetSnapshot",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "AssetFinding",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AssetId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Component = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    ComponentKey = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    Version = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    DocumentId = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Revision = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Range = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    ComparedVersion = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Rule = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    Comparisons = table.Column<string>(type: "TEXT", nullable: false),
                    Confidence = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    Priority = table.Column<int>(type: "INTEGER", nullable: false),
                    Urgent = table.Column<bool>(type: "INTEGER", nullable: false),
                    PriorityReasons = table.Column<string>(type: "TEXT", nullable: false),
                    Cvss = table.Column<decimal>(type: "TEXT", precision: 3, scale: 1, nullable: true),
                    CvssSource = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Epss = table.Column<decimal>(type: "TEXT", precision: 6, scale: 5, nullable: true),
                    KnownExploited = table.Column<bool>(type: "INTEGER", nullable: false),
                    NcscLabel = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    FirstSeenUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastMatchedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    DeadlineStartUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    DeadlineUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    PolicyVersionId = table.Column<Guid>(type: "TEXT", nullable: true),
                    PolicyVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    StateChangedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    StateReason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    ResolvedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ResolvedBySnapshotId = table.Column<Guid>(type: "TEXT", nullable: true),
                    VerifiedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    VerifiedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    AcceptanceReason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    AcceptanceMeasures = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    AcceptanceRequestedById = table.Column<Guid>(type: "TEXT", nullable: true),
                    AcceptanceRequestedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    AcceptanceRequestedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    AcceptanceApprovedById = table.Column<Guid>(type: "TEXT", nullable: true),
                    AcceptanceApprovedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    AcceptanceApprovedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    AcceptanceExpiresUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    VexJustification = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    FalsePositiveReason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    FalsePositiveVersion = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true)
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    FindingId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    From = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    To = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    ActorUserId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    SnapshotId = table.Column<Guid>(type: "TEXT", nullable: true)
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
