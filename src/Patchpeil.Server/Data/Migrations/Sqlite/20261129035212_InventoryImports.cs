using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Patchpeil.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InventoryImports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "InventoryImport",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 260, nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SizeBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    AssetId = table.Column<Guid>(type: "TEXT", nullable: true),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Rows = table.Column<int>(type: "INTEGER", nullable: false),
                    Components = table.Column<int>(type: "INTEGER", nullable: false),
                    AssetsCreated = table.Column<int>(type: "INTEGER", nullable: false),
                    AssetsUpdated = table.Column<int>(type: "INTEGER", nullable: false),
                    Problems = table.Column<string>(type: "TEXT", nullable: false),
                    ProblemCount = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InventoryImport", x => x.Id);
                    table.ForeignKey(
                        name: "FK_InventoryImport_Assets_AssetId",
                        column: x => x.AssetId,
                        principalTable: "Assets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_InventoryImport_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "SoftwareMapping",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    NamePattern = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    PublisherPattern = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Identity = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Scheme = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    EndOfLifeProduct = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SoftwareMapping", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SoftwareMapping_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "SupplierRecord",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AssetId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Vendor = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Product = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Version = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    PatchCommitment = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    ContractReference = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Rosa = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    RosaValidUntil = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    NextReview = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    UpdatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SupplierRecord", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SupplierRecord_Assets_AssetId",
                        column: x => x.AssetId,
                        principalTable: "Assets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ImportedComponent",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AssetId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ImportId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    IsOperatingSystem = table.Column<bool>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Version = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Publisher = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Origin = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Purl = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    Cpe = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    Identity = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    Scheme = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    EndOfLifeProduct = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    EndOfLifeCycle = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    Rule = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ImportedComponent", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ImportedComponent_Assets_AssetId",
                        column: x => x.AssetId,
                        principalTable: "Assets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ImportedComponent_InventoryImport_ImportId",
                        column: x => x.ImportId,
                        principalTable: "InventoryImport",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ImportedComponent_AssetId",
                table: "ImportedComponent",
                column: "AssetId");

            migrationBuilder.CreateIndex(
                name: "IX_ImportedComponent_ImportId",
                table: "ImportedComponent",
                column: "ImportId");

            migrationBuilder.CreateIndex(
                name: "IX_ImportedComponent_OrganisationId_AssetId_Source",
                table: "ImportedComponent",
                columns: new[] { "OrganisationId", "AssetId", "Source" });

            migrationBuilder.CreateIndex(
                name: "IX_ImportedComponent_OrganisationId_Identity",
                table: "ImportedComponent",
                columns: new[] { "OrganisationId", "Identity" });

            migrationBuilder.CreateIndex(
                name: "IX_InventoryImport_AssetId",
                table: "InventoryImport",
                column: "AssetId");

            migrationBuilder.CreateIndex(
                name: "IX_InventoryImport_OrganisationId_CreatedUtc",
                table: "InventoryImport",
                columns: new[] { "OrganisationId", "CreatedUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_SoftwareMapping_OrganisationId_NamePattern_PublisherPattern",
                table: "SoftwareMapping",
                columns: new[] { "OrganisationId", "NamePattern", "PublisherPattern" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SupplierRecord_AssetId",
                table: "SupplierRecord",
                column: "AssetId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SupplierRecord_OrganisationId_NextReview",
                table: "SupplierRecord",
                columns: new[] { "OrganisationId", "NextReview" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ImportedComponent");

            migrationBuilder.DropTable(
                name: "SoftwareMapping");

            migrationBuilder.DropTable(
                name: "SupplierRecord");

            migrationBuilder.DropTable(
                name: "InventoryImport");
        }
    }
}
