using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Patchpeil.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Matchscale : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_AssetFinding_OrganisationId_State_Priority",
                table: "AssetFinding");

            migrationBuilder.CreateIndex(
                name: "IX_AssetFinding_Figures",
                table: "AssetFinding",
                columns: new[] { "OrganisationId", "State", "Priority", "Kind", "KnownExploited", "DeadlineUtc", "AssetId", "FirstSeenUtc", "ResolvedUtc", "StateChangedUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_AssetFinding_ListOrder",
                table: "AssetFinding",
                columns: new[] { "Priority", "DeadlineUtc", "Id", "State", "OrganisationId", "KnownExploited" });

            migrationBuilder.CreateIndex(
                name: "IX_AssetFinding_OrganisationId_AcceptanceRequestedUtc",
                table: "AssetFinding",
                columns: new[] { "OrganisationId", "AcceptanceRequestedUtc" },
                filter: "\"AcceptanceRequestedUtc\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_AssetFinding_OrganisationId_Source",
                table: "AssetFinding",
                columns: new[] { "OrganisationId", "Source" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_AssetFinding_Figures",
                table: "AssetFinding");

            migrationBuilder.DropIndex(
                name: "IX_AssetFinding_ListOrder",
                table: "AssetFinding");

            migrationBuilder.DropIndex(
                name: "IX_AssetFinding_OrganisationId_AcceptanceRequestedUtc",
                table: "AssetFinding");

            migrationBuilder.DropIndex(
                name: "IX_AssetFinding_OrganisationId_Source",
                table: "AssetFinding");

            migrationBuilder.CreateIndex(
                name: "IX_AssetFinding_OrganisationId_State_Priority",
                table: "AssetFinding",
                columns: new[] { "OrganisationId", "State", "Priority" });
        }
    }
}
