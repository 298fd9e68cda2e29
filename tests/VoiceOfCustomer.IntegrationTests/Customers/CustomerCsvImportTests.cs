using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.Import;
using VoiceOfCustomer.IntegrationTests.Import;
using VoiceOfCustomer.IntegrationTests.Infrastructure;

namespace VoiceOfCustomer.IntegrationTests.Customers;

/// <summary>Each customer-data kind from CSV: stored rows, the rejected-row report with line and field, and a re-run that stores nothing twice.</summary>
public sealed class CustomerCsvImportTests : CustomersApiTestBase
{
    private async Task<ImportReport> ImportAsync(CustomerDataKind kind, string csv)
    {
        var importer = App.Services.GetRequiredService<CsvCustomerDataImporter>();
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(csv));
        return await importer.ImportAsync(stream, new CustomerDataImportRequest { Kind = kind, FileName = $"{kind}.csv", RecordJob = true, BatchSize = 2 });
    }

    private const string CustomersCsv = """
        reference,name,plan,annualRecurringRevenue,inCoBuildProgramme,acquiredAt
        C-1,One,standard,1000,true,2025-01-01
        C-2,Two,gold,2000,false,
        C-3,Three,enterprise,lots,no,
        C-4,Four,trial,,,2099-01-01T00:00:00Z
        C-5,Five,,,,
        """;

    [Fact]
    public async Task Customers_import_rejects_bad_rows_by_line_and_field_and_a_rerun_changes_nothing()
    {
        var report = await ImportAsync(CustomerDataKind.Customers, CustomersCsv);
        Assert.Equal((5, 2, 3), (report.RowsRead, report.Imported, report.Rejected));
        Assert.Contains(report.Rejections, r => r is { LineNumber: 3, Field: "plan" });
        Assert.Contains(report.Rejections, r => r is { LineNumber: 4, Field: "annualRecurringRevenue" });
        Assert.Contains(report.Rejections, r => r is { LineNumber: 5, Field: "acquiredAt" } && r.Reason.Contains("future"));
        var stored = await App.WithDbAsync(db => db.Customers.OrderBy(c => c.Reference).ToListAsync());
        Assert.Equal(["C-1", "C-5"], stored.Select(c => c.Reference));
        Assert.True(stored[0].InCoBuildProgramme);
        var job = await App.WithDbAsync(db => db.ImportJobs.Include(j => j.Rejections).SingleAsync());
        Assert.Equal((ImportJobStatus.Succeeded, "(customers)", 3), (job.Status, job.ChannelKey, job.Rejections.Count));

        var again = await ImportAsync(CustomerDataKind.Customers, CustomersCsv);
        Assert.Equal((0, 2, 3), (again.Imported, again.Duplicates, again.Rejected));
        Assert.Equal(2, await App.WithDbAsync(db => db.Customers.CountAsync()));
    }

    [Fact]
    public async Task Contracts_transactions_and_metrics_import_once_each_with_their_rejections()
    {
        await ImportAsync(CustomerDataKind.Customers, "reference,name\nC-1,One\nC-2,Two\n");

        const string contracts = """
            customer,reference,startsOn,endsOn,annualValue,renews,status,renewalDriver
            C-1,K-1,2025-01-01,2025-12-31,1000,,,
            C-1,K-2,2026-01-01,2026-12-31,1100,K-1,,price
            C-9,K-3,2026-01-01,2026-12-31,1,,,
            C-2,K-4,2026-01-01,2025-12-31,1,,,
            """;
        var contractReport = await ImportAsync(CustomerDataKind.Contracts, contracts);
        Assert.Equal((2, 2), (contractReport.Imported, contractReport.Rejected));
        Assert.Contains(contractReport.Rejections, r => r is { LineNumber: 4, Field: "customer" });
        Assert.Contains(contractReport.Rejections, r => r is { LineNumber: 5, Field: "endsOn" });
        Assert.Equal(2, await App.WithDbAsync(db => db.CustomerContracts.Where(c => c.Reference == "K-2").Select(c => c.Term).SingleAsync()));

        const string transactions = """
            customer,reference,occurredAt,amount
            C-1,T-1,2026-02-01T10:00:00Z,10.50
            C-1,T-2,2026-02-02,-1
            C-2,T-3,2026-02-03T10:00:00Z,20
            C-2,T-4,not a date,20
            C-2,T-5,2026-02-05T10:00:00Z
            """;
        var transactionReport = await ImportAsync(CustomerDataKind.Transactions, transactions);
        Assert.Equal((2, 3), (transactionReport.Imported, transactionReport.Rejected));
        Assert.Contains(transactionReport.Rejections, r => r is { LineNumber: 3, Field: "amount" });
        Assert.Contains(transactionReport.Rejections, r => r is { LineNumber: 5, Field: "occurredAt" });
        Assert.Contains(transactionReport.Rejections, r => r is { LineNumber: 6, Field: "row" });
        Assert.Equal((0, 2), ((await ImportAsync(CustomerDataKind.Transactions, transactions)).Imported, (await ImportAsync(CustomerDataKind.Transactions, transactions)).Duplicates));
        Assert.Equal(2, await App.WithDbAsync(db => db.CustomerTransactions.CountAsync()));

        const string metrics = """
            customer,metric,period,value
            C-1,test-adoption,2026Q3,40
            C-1,test-adoption,2026-10,41
            C-1,test-nps,2026Q3,30
            C-2,test-adoption,2027Q1,1
            C-2,unknown-metric,2026Q3,1
            """;
        var metricReport = await ImportAsync(CustomerDataKind.Metrics, metrics);
        Assert.Equal((2, 3), (metricReport.Imported, metricReport.Rejected));
        Assert.Equal(["metric", "period", "metric"], metricReport.Rejections.OrderBy(r => r.LineNumber).Select(r => r.Field));
        Assert.Equal(0, (await ImportAsync(CustomerDataKind.Metrics, metrics)).Imported);
        Assert.Equal(2, await App.WithDbAsync(db => db.BehaviourMeasurements.CountAsync()));
    }

    [Fact]
    public async Task A_wrong_header_imports_nothing_and_says_what_is_expected()
    {
        var error = await Assert.ThrowsAsync<ImportRejectedException>(() => ImportAsync(CustomerDataKind.Transactions, "customer,ref,when\nC-1,T-1,2026-01-01\n"));
        Assert.Contains("unknown column 'ref'", error.Message);
        Assert.Contains("required column 'amount' is missing", error.Message);
        Assert.Equal(0, await App.WithDbAsync(db => db.ImportJobs.CountAsync()));
    }
}

/// <summary><c>voc import transactions FILE</c>: the summary, the rejected-rows file beside the input, and a re-run.</summary>
[Collection(ProcessStateCollection.Name)]
public sealed class CustomerImportCommandTests : CustomersApiTestBase
{
    [Fact]
    public async Task The_command_writes_the_rejected_rows_beside_the_file_and_a_rerun_stores_nothing_twice()
    {
        var folder = Directory.CreateTempSubdirectory("voc-customers-");
        try
        {
            await CreateCustomerAsync("C-1");
            var file = Path.Combine(folder.FullName, "orders.csv");
            await File.WriteAllTextAsync(file, "customer,reference,occurredAt,amount\nC-1,T-1,2025-02-01T10:00:00Z,10\nC-1,T-2,2025-02-01T10:00:00Z,-3\nC-7,T-3,2025-02-01T10:00:00Z,3\n");

            var (exit, output, _) = await CliRunner.RunAsync(App, null, "import", "transactions", file);
            Assert.Equal(0, exit);
            Assert.Contains("imported 1, duplicates 0, rejected 2 of 3 rows", output);
            var rejected = await File.ReadAllLinesAsync(file + ".rejected.csv");
            Assert.Equal("line,field,reason", rejected[0]);
            Assert.StartsWith("3,amount,", rejected[1]);
            Assert.StartsWith("4,customer,", rejected[2]);

            var again = await CliRunner.RunAsync(App, null, "import", "transactions", file);
            Assert.Contains("imported 0, duplicates 1, rejected 2", again.Out);
            Assert.Equal(1, await App.WithDbAsync(db => db.CustomerTransactions.CountAsync()));

            var wrong = await CliRunner.RunAsync(App, null, "import", "metrics", file);
            Assert.Equal(2, wrong.Exit);
            Assert.Contains("Wrong header", wrong.Error);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
