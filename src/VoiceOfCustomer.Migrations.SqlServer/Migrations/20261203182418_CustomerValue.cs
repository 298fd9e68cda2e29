using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VoiceOfCustomer.Migrations.SqlServer.Migrations
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
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "RuleJson",
                table: "Segments",
                type: "nvarchar(max)",
                maxLength: 8000,
                nullable: true,
                collation: "Latin1_General_100_BIN2");

            migrationBuilder.AddColumn<DateTime>(
                name: "AcquiredAt",
                table: "Customers",
                type: "datetime2",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "CommunityPostsLast90Days",
                table: "Customers",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<double>(
                name: "ExpectedPurchases",
                table: "Customers",
                type: "float",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "FeedbackLast90Days",
                table: "Customers",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "InCoBuildProgramme",
                table: "Customers",
                type: "bit",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTime>(
                name: "LastActivityAt",
                table: "Customers",
                type: "datetime2",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Plan",
                table: "Customers",
                type: "nvarchar(20)",
                maxLength: 20,
                nullable: true,
                collation: "Latin1_General_100_BIN2");

            migrationBuilder.AddColumn<double>(
                name: "ProbabilityAlive",
                table: "Customers",
                type: "float",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RuleSegmentId",
                table: "Customers",
                type: "int",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SalesOwnerUserId",
                table: "Customers",
                type: "nvarchar(450)",
                maxLength: 450,
                nullable: true,
                collation: "Latin1_General_100_BIN2");

            migrationBuilder.AddColumn<int>(
                name: "Sites",
                table: "Customers",
                type: "int",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "StageReason",
                table: "Customers",
                type: "nvarchar(40)",
                maxLength: 40,
                nullable: true,
                collation: "Latin1_General_100_BIN2");

            migrationBuilder.AddColumn<string>(
                name: "ValueModel",
                table: "Customers",
                type: "nvarchar(10)",
                maxLength: 10,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ValueScoredAt",
                table: "Customers",
                type: "datetime2",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ValueTier",
                table: "Customers",
                type: "nvarchar(10)",
                maxLength: 10,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "BehaviourMetrics",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    Key = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false, collation: "Latin1_General_100_BIN2"),
                    Name = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false, collation: "Latin1_General_100_BIN2"),
                    NameZh = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true, collation: "Latin1_General_100_BIN2"),
                    Description = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true, collation: "Latin1_General_100_BIN2"),
                    Unit = table.Column<string>(type: "nvarchar(10)", maxLength: 10, nullable: false),
                    GoodDirection = table.Column<string>(type: "nvarchar(10)", maxLength: 10, nullable: false),
                    Aggregation = table.Column<string>(type: "nvarchar(10)", maxLength: 10, nullable: false),
                    IsExternal = table.Column<bool>(type: "bit", nullable: false),
                    IsArchived = table.Column<bool>(type: "bit", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BehaviourMetrics", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CustomerContracts",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    CustomerId = table.Column<int>(type: "int", nullable: false),
                    Reference = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false, collation: "Latin1_General_100_BIN2"),
                    StartsOn = table.Column<DateOnly>(type: "date", nullable: false),
                    EndsOn = table.Column<DateOnly>(type: "date", nullable: false),
                    AnnualValue = table.Column<decimal>(type: "decimal(18,2)", precision: 18, scale: 2, nullable: false),
                    Term = table.Column<int>(type: "int", nullable: false),
                    RenewsContractId = table.Column<int>(type: "int", nullable: true),
                    Status = table.Column<string>(type: "nvarchar(10)", maxLength: 10, nullable: false),
                    RenewalDriver = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: true, collation: "Latin1_General_100_BIN2"),
                    CreatedAt = table.Column<DateTime>(type: "datetime2", nullable: false)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    CustomerId = table.Column<int>(type: "int", nullable: false),
                    Kind = table.Column<string>(type: "nvarchar(10)", maxLength: 10, nullable: false),
                    From = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true, collation: "Latin1_General_100_BIN2"),
                    To = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true, collation: "Latin1_General_100_BIN2"),
                    Reason = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false, collation: "Latin1_General_100_BIN2"),
                    ChangedAt = table.Column<DateTime>(type: "datetime2", nullable: false)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    CustomerId = table.Column<int>(type: "int", nullable: false),
                    Reference = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false, collation: "Latin1_General_100_BIN2"),
                    OccurredAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    Amount = table.Column<decimal>(type: "decimal(18,2)", precision: 18, scale: 2, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "datetime2", nullable: false)
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
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    Model = table.Column<string>(type: "nvarchar(80)", maxLength: 80, nullable: false, collation: "Latin1_General_100_BIN2"),
                    StartedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    FinishedAt = table.Column<DateTime>(type: "datetime2", nullable: true),
                    Status = table.Column<string>(type: "nvarchar(14)", maxLength: 14, nullable: false),
                    DataFrom = table.Column<DateTime>(type: "datetime2", nullable: true),
                    DataTo = table.Column<DateTime>(type: "datetime2", nullable: true),
                    Customers = table.Column<int>(type: "int", nullable: false),
                    ParametersJson = table.Column<string>(type: "nvarchar(max)", nullable: true, collation: "Latin1_General_100_BIN2"),
                    LogLikelihood = table.Column<double>(type: "float", nullable: true),
                    Converged = table.Column<bool>(type: "bit", nullable: false),
                    Message = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true, collation: "Latin1_General_100_BIN2"),
                    Progress = table.Column<int>(type: "int", nullable: false),
                    RequestedBy = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: true, collation: "Latin1_General_100_BIN2")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ValueFits", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "BehaviourMeasurements",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    MetricId = table.Column<int>(type: "int", nullable: false),
                    CustomerId = table.Column<int>(type: "int", nullable: true),
                    SegmentId = table.Column<int>(type: "int", nullable: true),
                    Period = table.Column<string>(type: "nvarchar(7)", maxLength: 7, nullable: false, collation: "Latin1_General_100_BIN2"),
                    PeriodStart = table.Column<DateOnly>(type: "date", nullable: false),
                    PeriodMonths = table.Column<int>(type: "int", nullable: false),
                    Value = table.Column<double>(type: "float", nullable: false),
                    RecordedAt = table.Column<DateTime>(type: "datetime2", nullable: false)
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
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    MetricId = table.Column<int>(type: "int", nullable: false),
                    SegmentId = table.Column<int>(type: "int", nullable: false),
                    Stage = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: true),
                    Quarter = table.Column<string>(type: "nvarchar(6)", maxLength: 6, nullable: false, collation: "Latin1_General_100_BIN2"),
                    Baseline = table.Column<double>(type: "float", nullable: false),
                    Target = table.Column<double>(type: "float", nullable: false),
                    OwnerUserId = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: false, collation: "Latin1_General_100_BIN2"),
                    Note = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true, collation: "Latin1_General_100_BIN2"),
                    CreatedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "datetime2", nullable: false)
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
                unique: true,
                filter: "[CustomerId] IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_BehaviourMeasurements_MetricId_SegmentId_Period",
                table: "BehaviourMeasurements",
                columns: new[] { "MetricId", "SegmentId", "Period" },
                unique: true,
                filter: "[SegmentId] IS NOT NULL");

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
                unique: true,
                filter: "[Stage] IS NOT NULL");

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
            migrationBuilder.Sql("INSERT INTO [CustomerHistory] ([CustomerId], [Kind], [From], [To], [Reason], [ChangedAt]) SELECT [Id], 'Stage', 'Onboarding', 'New', 'migration', SYSUTCDATETIME() FROM [Customers] WHERE [LifecycleStage] = 'Onboarding'");
            migrationBuilder.Sql("UPDATE [Customers] SET [LifecycleStage] = 'New' WHERE [LifecycleStage] = 'Onboarding'");
            migrationBuilder.Sql("INSERT INTO [CustomerHistory] ([CustomerId], [Kind], [From], [To], [Reason], [ChangedAt]) SELECT [Id], 'Stage', 'Adoption', 'Active', 'migration', SYSUTCDATETIME() FROM [Customers] WHERE [LifecycleStage] = 'Adoption'");
            migrationBuilder.Sql("UPDATE [Customers] SET [LifecycleStage] = 'Active' WHERE [LifecycleStage] = 'Adoption'");
            migrationBuilder.Sql("INSERT INTO [CustomerHistory] ([CustomerId], [Kind], [From], [To], [Reason], [ChangedAt]) SELECT [Id], 'Stage', 'Expansion', 'Active', 'migration', SYSUTCDATETIME() FROM [Customers] WHERE [LifecycleStage] = 'Expansion'");
            migrationBuilder.Sql("UPDATE [Customers] SET [LifecycleStage] = 'Active' WHERE [LifecycleStage] = 'Expansion'");
            migrationBuilder.Sql("INSERT INTO [CustomerHistory] ([CustomerId], [Kind], [From], [To], [Reason], [ChangedAt]) SELECT [Id], 'Stage', 'Renewal', 'Active', 'migration', SYSUTCDATETIME() FROM [Customers] WHERE [LifecycleStage] = 'Renewal'");
            migrationBuilder.Sql("UPDATE [Customers] SET [LifecycleStage] = 'Active' WHERE [LifecycleStage] = 'Renewal'");
            migrationBuilder.Sql("INSERT INTO [CustomerHistory] ([CustomerId], [Kind], [From], [To], [Reason], [ChangedAt]) SELECT [Id], 'Stage', 'AtRisk', 'ChurnRisk', 'migration', SYSUTCDATETIME() FROM [Customers] WHERE [LifecycleStage] = 'AtRisk'");
            migrationBuilder.Sql("UPDATE [Customers] SET [LifecycleStage] = 'ChurnRisk' WHERE [LifecycleStage] = 'AtRisk'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {

            migrationBuilder.Sql("UPDATE [Customers] SET [LifecycleStage] = 'Onboarding' WHERE [LifecycleStage] = 'New'");
            migrationBuilder.Sql("UPDATE [Customers] SET [LifecycleStage] = 'Adoption' WHERE [LifecycleStage] = 'Active'");
            migrationBuilder.Sql("UPDATE [Customers] SET [LifecycleStage] = 'AtRisk' WHERE [LifecycleStage] = 'ChurnRisk'");
            migrationBuilder.Sql("UPDATE [Customers] SET [LifecycleStage] = 'Adoption' WHERE [LifecycleStage] = 'WinBack'");
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
