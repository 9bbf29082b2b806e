using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Patchpeil.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AgentCheckIn : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "LastSeenUtc",
                table: "Assets",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PatchLevel",
                table: "Assets",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "EnrollmentSecret",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SchoolId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Prefix = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ExpiresUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RevokedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Enrollments = table.Column<int>(type: "INTEGER", nullable: false),
                    LastUsedUtc = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EnrollmentSecret", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EnrollmentSecret_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_EnrollmentSecret_Schools_SchoolId",
                        column: x => x.SchoolId,
                        principalTable: "Schools",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "InventorySet",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ContentHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ItemCount = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InventorySet", x => x.Id);
                    table.ForeignKey(
                        name: "FK_InventorySet_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "AgentDevice",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AssetId = table.Column<Guid>(type: "TEXT", nullable: false),
                    EnrollmentSecretId = table.Column<Guid>(type: "TEXT", nullable: true),
                    HardwareUuid = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    SerialNumber = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    MachineId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    KeyPrefix = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    KeyHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    EnrolledUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RevokedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastReportUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    AgentVersion = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    InventoryHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    InventorySetId = table.Column<Guid>(type: "TEXT", nullable: true),
                    FullReportRequested = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AgentDevice", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AgentDevice_Assets_AssetId",
                        column: x => x.AssetId,
                        principalTable: "Assets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_AgentDevice_EnrollmentSecret_EnrollmentSecretId",
                        column: x => x.EnrollmentSecretId,
                        principalTable: "EnrollmentSecret",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_AgentDevice_InventorySet_InventorySetId",
                        column: x => x.InventorySetId,
                        principalTable: "InventorySet",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_AgentDevice_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "InventorySetItem",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SetId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    Version = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Publisher = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    Architecture = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    SourcePackage = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    SourceVersion = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InventorySetItem", x => x.Id);
                    table.ForeignKey(
                        name: "FK_InventorySetItem_InventorySet_SetId",
                        column: x => x.SetId,
                        principalTable: "InventorySet",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AssetSnapshot",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AssetId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DeviceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ReportId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ReceivedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CollectedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Full = table.Column<bool>(type: "INTEGER", nullable: false),
                    Unchanged = table.Column<bool>(type: "INTEGER", nullable: false),
                    InventorySetId = table.Column<Guid>(type: "TEXT", nullable: false),
                    InventoryHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ItemCount = table.Column<int>(type: "INTEGER", nullable: false),
                    Hostname = table.Column<string>(type: "TEXT", maxLength: 253, nullable: false),
                    OsFamily = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    OsName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    OsVersion = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    OsBuild = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    Kernel = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    LastBootUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    PendingReboot = table.Column<bool>(type: "INTEGER", nullable: false),
                    PendingUpdateCount = table.Column<int>(type: "INTEGER", nullable: false),
                    AgentVersion = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    DetailsJson = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AssetSnapshot", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AssetSnapshot_AgentDevice_DeviceId",
                        column: x => x.DeviceId,
                        principalTable: "AgentDevice",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_AssetSnapshot_Assets_AssetId",
                        column: x => x.AssetId,
                        principalTable: "Assets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_AssetSnapshot_InventorySet_InventorySetId",
                        column: x => x.InventorySetId,
                        principalTable: "InventorySet",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Assets_OrganisationId_LastSeenUtc",
                table: "Assets",
                columns: new[] { "OrganisationId", "LastSeenUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_AgentDevice_AssetId",
                table: "AgentDevice",
                column: "AssetId");

            migrationBuilder.CreateIndex(
                name: "IX_AgentDevice_EnrollmentSecretId",
                table: "AgentDevice",
                column: "EnrollmentSecretId");

            migrationBuilder.CreateIndex(
                name: "IX_AgentDevice_InventorySetId",
                table: "AgentDevice",
                column: "InventorySetId");

            migrationBuilder.CreateIndex(
                name: "IX_AgentDevice_KeyHash",
                table: "AgentDevice",
                column: "KeyHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AgentDevice_OrganisationId_HardwareUuid",
                table: "AgentDevice",
                columns: new[] { "OrganisationId", "HardwareUuid" });

            migrationBuilder.CreateIndex(
                name: "IX_AgentDevice_OrganisationId_SerialNumber",
                table: "AgentDevice",
                columns: new[] { "OrganisationId", "SerialNumber" });

            migrationBuilder.CreateIndex(
                name: "IX_AssetSnapshot_AssetId_ReceivedUtc",
                table: "AssetSnapshot",
                columns: new[] { "AssetId", "ReceivedUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_AssetSnapshot_DeviceId",
                table: "AssetSnapshot",
                column: "DeviceId");

            migrationBuilder.CreateIndex(
                name: "IX_AssetSnapshot_InventorySetId",
                table: "AssetSnapshot",
                column: "InventorySetId");

            migrationBuilder.CreateIndex(
                name: "IX_AssetSnapshot_ReportId",
                table: "AssetSnapshot",
                column: "ReportId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EnrollmentSecret_Hash",
                table: "EnrollmentSecret",
                column: "Hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EnrollmentSecret_OrganisationId",
                table: "EnrollmentSecret",
                column: "OrganisationId");

            migrationBuilder.CreateIndex(
                name: "IX_EnrollmentSecret_SchoolId",
                table: "EnrollmentSecret",
                column: "SchoolId");

            migrationBuilder.CreateIndex(
                name: "IX_InventorySet_OrganisationId_ContentHash",
                table: "InventorySet",
                columns: new[] { "OrganisationId", "ContentHash" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_InventorySetItem_SetId_Name",
                table: "InventorySetItem",
                columns: new[] { "SetId", "Name" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AssetSnapshot");

            migrationBuilder.DropTable(
                name: "InventorySetItem");

            migrationBuilder.DropTable(
                name: "AgentDevice");

            migrationBuilder.DropTable(
                name: "EnrollmentSecret");

            migrationBuilder.DropTable(
                name: "InventorySet");

            migrationBuilder.DropIndex(
                name: "IX_Assets_OrganisationId_LastSeenUtc",
                table: "Assets");

            migrationBuilder.DropColumn(
                name: "LastSeenUtc",
                table: "Assets");

            migrationBuilder.DropColumn(
                name: "PatchLevel",
                table: "Assets");
        }
    }
}
