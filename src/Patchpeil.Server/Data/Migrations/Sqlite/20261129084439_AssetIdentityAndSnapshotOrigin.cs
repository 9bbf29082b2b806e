using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Patchpeil.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AssetIdentityAndSnapshotOrigin : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<Guid>(
                name: "DeviceId",
                table: "AssetSnapshot",
                type: "TEXT",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "TEXT");

            migrationBuilder.AddColumn<Guid>(
                name: "ConnectorId",
                table: "AssetSnapshot",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Origin",
                table: "AssetSnapshot",
                type: "TEXT",
                maxLength: 32,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Model",
                table: "Assets",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SerialNumber",
                table: "Assets",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "UpdateExpiresOn",
                table: "Assets",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Assets_OrganisationId_SerialNumber",
                table: "Assets",
                columns: new[] { "OrganisationId", "SerialNumber" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Assets_OrganisationId_SerialNumber",
                table: "Assets");

            migrationBuilder.DropColumn(
                name: "ConnectorId",
                table: "AssetSnapshot");

            migrationBuilder.DropColumn(
                name: "Origin",
                table: "AssetSnapshot");

            migrationBuilder.DropColumn(
                name: "Model",
                table: "Assets");

            migrationBuilder.DropColumn(
                name: "SerialNumber",
                table: "Assets");

            migrationBuilder.DropColumn(
                name: "UpdateExpiresOn",
                table: "Assets");

            migrationBuilder.AlterColumn<Guid>(
                name: "DeviceId",
                table: "AssetSnapshot",
                type: "TEXT",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "TEXT",
                oldNullable: true);
        }
    }
}
