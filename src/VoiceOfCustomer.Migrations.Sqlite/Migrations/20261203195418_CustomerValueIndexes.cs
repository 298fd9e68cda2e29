using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VoiceOfCustomer.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class CustomerValueIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_BehaviourMeasurements_Segments_SegmentId",
                table: "BehaviourMeasurements");

            migrationBuilder.CreateIndex(
                name: "IX_Customers_LastActivityAt_Id",
                table: "Customers",
                columns: new[] { "LastActivityAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Customers_ProbabilityAlive_Id",
                table: "Customers",
                columns: new[] { "ProbabilityAlive", "Id" });

            migrationBuilder.AddForeignKey(
                name: "FK_BehaviourMeasurements_Segments_SegmentId",
                table: "BehaviourMeasurements",
                column: "SegmentId",
                principalTable: "Segments",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_BehaviourMeasurements_Segments_SegmentId",
                table: "BehaviourMeasurements");

            migrationBuilder.DropIndex(
                name: "IX_Customers_LastActivityAt_Id",
                table: "Customers");

            migrationBuilder.DropIndex(
                name: "IX_Customers_ProbabilityAlive_Id",
                table: "Customers");

            migrationBuilder.AddForeignKey(
                name: "FK_BehaviourMeasurements_Segments_SegmentId",
                table: "BehaviourMeasurements",
                column: "SegmentId",
                principalTable: "Segments",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }
    }
}
