using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Patchpeil.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AssetModelIdentifier : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ModelIdentifier",
                table: "Assets",
                type: "TEXT",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ModelIdentifier",
                table: "Assets");
        }
    }
}
