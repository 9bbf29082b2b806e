using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Patchpeil.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class FindingsPolicyConnectorsOsVersions : Migration
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
                name: "Connector",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    SchoolId = table.Column<Guid>(type: "TEXT", nullable: true),
                    BaseUrl = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    AuthUrl = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    Settings = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false),
                    ProtectedSecret = table.Column<string>(type: "TEXT", nullable: true),
                    SecretSetUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    IntervalMinutes = table.Column<int>(type: "INTEGER", nullable: false),
                    NextRunUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false),
                    Cursor = table.Column<string>(type: "TEXT", nullable: true),
                    InformationJson = table.Column<string>(type: "TEXT", nullable: true),
                    LastRunUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastOutcome = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    LastDeviceCount = table.Column<int>(type: "INTEGER", nullable: false),
                    LastErrorCount = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Connector", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Connector_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Connector_Schools_SchoolId",
                        column: x => x.SchoolId,
                        principalTable: "Schools",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

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
                name: "PatchPolicyVersions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    UrgentHours = table.Column<int>(type: "INTEGER", nullable: false),
                    P1Days = table.Column<int>(type: "INTEGER", nullable: false),
                    P2Days = table.Column<int>(type: "INTEGER", nullable: false),
                    P3Days = table.Column<int>(type: "INTEGER", nullable: false),
                    P4Days = table.Column<int>(type: "INTEGER", nullable: false),
                    EndOfSupportPlanDays = table.Column<int>(type: "INTEGER", nullable: false),
                    Overrides = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    WarningMonths = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    MaxRiskAcceptanceMonths = table.Column<int>(type: "INTEGER", nullable: false),
                    Scope = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ApprovedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    ApprovedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ApprovalReference = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true)
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

            migrationBuilder.CreateTable(
                name: "ConnectorDeviceLink",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ConnectorId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ExternalId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    AssetId = table.Column<Guid>(type: "TEXT", nullable: false),
                    FirstSeenUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastSeenUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastSyncUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    DeletedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    StateHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    DetailsJson = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConnectorDeviceLink", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ConnectorDeviceLink_Assets_AssetId",
                        column: x => x.AssetId,
                        principalTable: "Assets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ConnectorDeviceLink_Connector_ConnectorId",
                        column: x => x.ConnectorId,
                        principalTable: "Connector",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ConnectorRun",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ConnectorId = table.Column<Guid>(type: "TEXT", nullable: false),
                    StartedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    FinishedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Trigger = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Requests = table.Column<int>(type: "INTEGER", nullable: false),
                    DevicesRead = table.Column<int>(type: "INTEGER", nullable: false),
                    Created = table.Column<int>(type: "INTEGER", nullable: false),
                    Updated = table.Column<int>(type: "INTEGER", nullable: false),
                    Merged = table.Column<int>(type: "INTEGER", nullable: false),
                    Deleted = table.Column<int>(type: "INTEGER", nullable: false),
                    Unchanged = table.Column<int>(type: "INTEGER", nullable: false),
                    ErrorCount = table.Column<int>(type: "INTEGER", nullable: false),
                    Errors = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConnectorRun", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ConnectorRun_Connector_ConnectorId",
                        column: x => x.ConnectorId,
                        principalTable: "Connector",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
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
                name: "IX_Connector_OrganisationId_Name",
                table: "Connector",
                columns: new[] { "OrganisationId", "Name" });

            migrationBuilder.CreateIndex(
                name: "IX_Connector_SchoolId",
                table: "Connector",
                column: "SchoolId");

            migrationBuilder.CreateIndex(
                name: "IX_ConnectorDeviceLink_AssetId",
                table: "ConnectorDeviceLink",
                column: "AssetId");

            migrationBuilder.CreateIndex(
                name: "IX_ConnectorDeviceLink_ConnectorId_ExternalId",
                table: "ConnectorDeviceLink",
                columns: new[] { "ConnectorId", "ExternalId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ConnectorRun_ConnectorId_StartedUtc",
                table: "ConnectorRun",
                columns: new[] { "ConnectorId", "StartedUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_FindingStateChange_FindingId_Id",
                table: "FindingStateChange",
                columns: new[] { "FindingId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_FindingStateChange_OrganisationId",
                table: "FindingStateChange",
                column: "OrganisationId");

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
                name: "ConnectorDeviceLink");

            migrationBuilder.DropTable(
                name: "ConnectorRun");

            migrationBuilder.DropTable(
                name: "FindingStateChange");

            migrationBuilder.DropTable(
                name: "OsVersionRelease");

            migrationBuilder.DropTable(
                name: "PatchPolicyVersions");

            migrationBuilder.DropTable(
                name: "Connector");

            migrationBuilder.DropTable(
                name: "AssetFinding");

            migrationBuilder.DropTable(
                name: "OsVersionLine");

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
