using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VoiceOfCustomer.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class CustomerValue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Position",
                table: "Segments",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "RuleJson",
                table: "Segments",
                type: "TEXT",
                maxLength: 8000,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "AcquiredAt",
                table: "Customers",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "CommunityPostsLast90Days",
                table: "Customers",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<double>(
                name: "ExpectedPurchases",
                table: "Customers",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "FeedbackLast90Days",
                table: "Customers",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "InCoBuildProgramme",
                table: "Customers",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTime>(
                name: "LastActivityAt",
                table: "Customers",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Plan",
                table: "Customers",
                type: "TEXT",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "ProbabilityAlive",
                table: "Customers",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RuleSegmentId",
                table: "Customers",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SalesOwnerUserId",
                table: "Customers",
                type: "TEXT",
                maxLength: 450,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Sites",
                table: "Customers",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "StageReason",
                table: "Customers",
                type: "TEXT",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ValueModel",
                table: "Customers",
                type: "TEXT",
                maxLength: 10,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ValueScoredAt",
                table: "Customers",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ValueTier",
                table: "Customers",
                type: "TEXT",
                maxLength: 10,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "BehaviourMetrics",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    NameZh = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Description = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    Unit = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    GoodDirection = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    Aggregation = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    IsExternal = table.Column<bool>(type: "INTEGER", nullable: false),
                    IsArchived = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BehaviourMetrics", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CustomerContracts",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CustomerId = table.Column<int>(type: "INTEGER", nullable: false),
                    Reference = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    StartsOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    EndsOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    AnnualValue = table.Column<decimal>(type: "TEXT", precision: 18, scale: 2, nullable: false),
                    Term = table.Column<int>(type: "INTEGER", nullable: false),
                    RenewsContractId = table.Column<int>(type: "INTEGER", nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    RenewalDriver = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CustomerContracts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CustomerContracts_CustomerContracts_RenewsContractId",
                        column: x => x.RenewsContractId,
                        principalTable: "CustomerContracts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_CustomerContracts_Customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "Customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CustomerHistory",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CustomerId = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    From = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    To = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ChangedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CustomerHistory", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CustomerHistory_Customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "Customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CustomerTransactions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CustomerId = table.Column<int>(type: "INTEGER", nullable: false),
                    Reference = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    OccurredAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Amount = table.Column<decimal>(type: "TEXT", precision: 18, scale: 2, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CustomerTransactions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CustomerTransactions_Customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "Customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ValueFits",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Model = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    StartedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    FinishedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 14, nullable: false),
                    DataFrom = table.Column<DateTime>(type: "TEXT", nullable: true),
                    DataTo = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Customers = table.Column<int>(type: "INTEGER", nullable: false),
                    ParametersJson = table.Column<string>(type: "TEXT", nullable: true),
                    LogLikelihood = table.Column<double>(type: "REAL", nullable: true),
                    Converged = table.Column<bool>(type: "INTEGER", nullable: false),
                    Message = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    Progress = table.Column<int>(type: "INTEGER", nullable: false),
                    RequestedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ValueFits", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "BehaviourMeasurements",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    MetricId = table.Column<int>(type: "INTEGER", nullable: false),
                    CustomerId = table.Column<int>(type: "INTEGER", nullable: true),
                    SegmentId = table.Column<int>(type: "INTEGER", nullable: true),
                    Period = table.Column<string>(type: "TEXT", maxLength: 7, nullable: false),
                    PeriodStart = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    PeriodMonths = table.Column<int>(type: "INTEGER", nullable: false),
                    Value = table.Column<double>(type: "REAL", nullable: false),
                    RecordedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BehaviourMeasurements", x => x.Id);
                    table.ForeignKey(
                        name: "FK_BehaviourMeasurements_BehaviourMetrics_MetricId",
                        column: x => x.MetricId,
                        principalTable: "BehaviourMetrics",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_BehaviourMeasurements_Customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "Customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_BehaviourMeasurements_Segments_SegmentId",
                        column: x => x.SegmentId,
                        principalTable: "Segments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "BehaviourTargets",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    MetricId = table.Column<int>(type: "INTEGER", nullable: false),
                    SegmentId = table.Column<int>(type: "INTEGER", nullable: false),
                    Stage = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    Quarter = table.Column<string>(type: "TEXT", maxLength: 6, nullable: false),
                    Baseline = table.Column<double>(type: "REAL", nullable: false),
                    Target = table.Column<double>(type: "REAL", nullable: false),
                    OwnerUserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BehaviourTargets", x => x.Id);
                    table.ForeignKey(
                        name: "FK_BehaviourTargets_BehaviourMetrics_MetricId",
                        column: x => x.MetricId,
                        principalTable: "BehaviourMetrics",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_BehaviourTargets_Segments_SegmentId",
                        column: x => x.SegmentId,
                        principalTable: "Segments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Customers_LifetimeValue",
                table: "Customers",
                column: "LifetimeValue");

            migrationBuilder.CreateIndex(
                name: "IX_BehaviourMeasurements_CustomerId_MetricId_PeriodStart",
                table: "BehaviourMeasurements",
                columns: new[] { "CustomerId", "MetricId", "PeriodStart" });

            migrationBuilder.CreateIndex(
                name: "IX_BehaviourMeasurements_MetricId_CustomerId_Period",
                table: "BehaviourMeasurements",
                columns: new[] { "MetricId", "CustomerId", "Period" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_BehaviourMeasurements_MetricId_SegmentId_Period",
                table: "BehaviourMeasurements",
                columns: new[] { "MetricId", "SegmentId", "Period" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_BehaviourMeasurements_SegmentId",
                table: "BehaviourMeasurements",
                column: "SegmentId");

            migrationBuilder.CreateIndex(
                name: "IX_BehaviourMetrics_Key",
                table: "BehaviourMetrics",
                column: "Key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_BehaviourTargets_MetricId",
                table: "BehaviourTargets",
                column: "MetricId");

            migrationBuilder.CreateIndex(
                name: "IX_BehaviourTargets_SegmentId_MetricId_Quarter_Stage",
                table: "BehaviourTargets",
                columns: new[] { "SegmentId", "MetricId", "Quarter", "Stage" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CustomerContracts_CustomerId_Reference",
                table: "CustomerContracts",
                columns: new[] { "CustomerId", "Reference" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CustomerContracts_RenewsContractId",
                table: "CustomerContracts",
                column: "RenewsContractId");

            migrationBuilder.CreateIndex(
                name: "IX_CustomerHistory_CustomerId_ChangedAt",
                table: "CustomerHistory",
                columns: new[] { "CustomerId", "ChangedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_CustomerTransactions_CustomerId_OccurredAt",
                table: "CustomerTransactions",
                columns: new[] { "CustomerId", "OccurredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_CustomerTransactions_CustomerId_Reference",
                table: "CustomerTransactions",
                columns: new[] { "CustomerId", "Reference" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ValueFits_Model_StartedAt",
                table: "ValueFits",
                columns: new[] { "Model", "StartedAt" });

            // The stages before issue 18 map onto the computed ones; each old stage is kept in the customer history, so nothing is lost.
            migrationBuilder.Sql("INSERT INTO \"CustomerHistory\" (\"CustomerId\", \"Kind\", \"From\", \"To\", \"Reason\", \"ChangedAt\") SELECT \"Id\", 'Stage', 'Onboarding', 'New', 'migration', strftime('%Y-%m-%d %H:%M:%S', 'now') FROM \"Customers\" WHERE \"LifecycleStage\" = 'Onboarding'");
            migrationBuilder.Sql("UPDATE \"Customers\" SET \"LifecycleStage\" = 'New' WHERE \"LifecycleStage\" = 'Onboarding'");
            migrationBuilder.Sql("INSERT INTO \"CustomerHistory\" (\"CustomerId\", \"Kind\", \"From\", \"To\", \"Reason\", \"ChangedAt\") SELECT \"Id\", 'Stage', 'Adoption', 'Active', 'migration', strftime('%Y-%m-%d %H:%M:%S', 'now') FROM \"Customers\" WHERE \"LifecycleStage\" = 'Adoption'");
            migrationBuilder.Sql("UPDATE \"Customers\" SET \"LifecycleStage\" = 'Active' WHERE \"LifecycleStage\" = 'Adoption'");
            migrationBuilder.Sql("INSERT INTO \"CustomerHistory\" (\"CustomerId\", \"Kind\", \"From\", \"To\", \"Reason\", \"ChangedAt\") SELECT \"Id\", 'Stage', 'Expansion', 'Active', 'migration', strftime('%Y-%m-%d %H:%M:%S', 'now') FROM \"Customers\" WHERE \"LifecycleStage\" = 'Expansion'");
            migrationBuilder.Sql("UPDATE \"Customers\" SET \"LifecycleStage\" = 'Active' WHERE \"LifecycleStage\" = 'Expansion'");
            migrationBuilder.Sql("INSERT INTO \"CustomerHistory\" (\"CustomerId\", \"Kind\", \"From\", \"To\", \"Reason\", \"ChangedAt\") SELECT \"Id\", 'Stage', 'Renewal', 'Active', 'migration', strftime('%Y-%m-%d %H:%M:%S', 'now') FROM \"Customers\" WHERE \"LifecycleStage\" = 'Renewal'");
            migrationBuilder.Sql("UPDATE \"Customers\" SET \"LifecycleStage\" = 'Active' WHERE \"LifecycleStage\" = 'Renewal'");
            migrationBuilder.Sql("INSERT INTO \"CustomerHistory\" (\"CustomerId\", \"Kind\", \"From\", \"To\", \"Reason\", \"ChangedAt\") SELECT \"Id\", 'Stage', 'AtRisk', 'ChurnRisk', 'migration', strftime('%Y-%m-%d %H:%M:%S', 'now') FROM \"Customers\" WHERE \"LifecycleStage\" = 'AtRisk'");
            migrationBuilder.Sql("UPDATE \"Customers\" SET \"LifecycleStage\" = 'ChurnRisk' WHERE \"LifecycleStage\" = 'AtRisk'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {

            migrationBuilder.Sql("UPDATE \"Customers\" SET \"LifecycleStage\" = 'Onboarding' WHERE \"LifecycleStage\" = 'New'");
            migrationBuilder.Sql("UPDATE \"Customers\" SET \"LifecycleStage\" = 'Adoption' WHERE \"LifecycleStage\" = 'Active'");
            migrationBuilder.Sql("UPDATE \"Customers\" SET \"LifecycleStage\" = 'AtRisk' WHERE \"LifecycleStage\" = 'ChurnRisk'");
            migrationBuilder.Sql("UPDATE \"Customers\" SET \"LifecycleStage\" = 'Adoption' WHERE \"LifecycleStage\" = 'WinBack'");
            migrationBuilder.DropTable(
                name: "BehaviourMeasurements");

            migrationBuilder.DropTable(
                name: "BehaviourTargets");

            migrationBuilder.DropTable(
                name: "CustomerContracts");

            migrationBuilder.DropTable(
                name: "CustomerHistory");

            migrationBuilder.DropTable(
                name: "CustomerTransactions");

            migrationBuilder.DropTable(
                name: "ValueFits");

            migrationBuilder.DropTable(
                name: "BehaviourMetrics");

            migrationBuilder.DropIndex(
                name: "IX_Customers_LifetimeValue",
                table: "Customers");

            migrationBuilder.DropColumn(
                name: "Position",
                table: "Segments");

            migrationBuilder.DropColumn(
                name: "RuleJson",
                table: "Segments");

            migrationBuilder.DropColumn(
                name: "AcquiredAt",
                table: "Customers");

            migrationBuilder.DropColumn(
                name: "CommunityPostsLast90Days",
                table: "Customers");

            migrationBuilder.DropColumn(
                name: "ExpectedPurchases",
                table: "Customers");

            migrationBuilder.DropColumn(
                name: "FeedbackLast90Days",
                table: "Customers");

            migrationBuilder.DropColumn(
                name: "InCoBuildProgramme",
                table: "Customers");

            migrationBuilder.DropColumn(
                name: "LastActivityAt",
                table: "Customers");

            migrationBuilder.DropColumn(
                name: "Plan",
                table: "Customers");

            migrationBuilder.DropColumn(
                name: "ProbabilityAlive",
                table: "Customers");

            migrationBuilder.DropColumn(
                name: "RuleSegmentId",
                table: "Customers");

            migrationBuilder.DropColumn(
                name: "SalesOwnerUserId",
                table: "Customers");

            migrationBuilder.DropColumn(
                name: "Sites",
                table: "Customers");

            migrationBuilder.DropColumn(
                name: "StageReason",
                table: "Customers");

            migrationBuilder.DropColumn(
                name: "ValueModel",
                table: "Customers");

            migrationBuilder.DropColumn(
                name: "ValueScoredAt",
                table: "Customers");

            migrationBuilder.DropColumn(
                name: "ValueTier",
                table: "Customers");
        }
    }
}
