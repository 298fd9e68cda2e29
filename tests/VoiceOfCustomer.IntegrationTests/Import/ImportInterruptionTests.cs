using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Import;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;
using VoiceOfCustomer.Web.Features.Import;

namespace VoiceOfCustomer.IntegrationTests.Import;

/// <summary>
/// An import whose process dies (kill -9, a crash) cannot say so; its heartbeat stops instead, and the job is shown as
/// interrupted once the heartbeat is older than <c>Import:HeartbeatTimeout</c>. Running the file again resumes it.
/// </summary>
public sealed class ImportInterruptionTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_running_job_is_interrupted_once_its_heartbeat_is_older_than_a_minute_and_running_again_when_it_beats()
    {
        var clock = new FakeTimeProvider(Start);
        using var app = new VocAppFactory(TestDatabase.CreateSqlite())
        {
            TestServices = services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)),
        };
        await app.EnsureChannelsAsync();
        var jobs = app.Services.GetRequiredService<ImportJobStore>();
        var job = await jobs.CreateAsync("big.csv", "support", 1000, null);
        await jobs.MarkRunningAsync(job.Id, 1000, CancellationToken.None);
        var client = await WebTestSupport.SignedInClientAsync(app, Roles.Csm);

        clock.Advance(TimeSpan.FromSeconds(59));
        var fresh = (await client.GetFromJsonAsync<ImportStatusDto>($"/import/{job.Id}/status"))!;
        Assert.Equal(("Running", false), (fresh.Status, fresh.Finished));
        Assert.DoesNotContain("id=\"interrupted\"", await client.GetStringAsync($"/import/{job.Id}"));

        clock.Advance(TimeSpan.FromSeconds(2));
        var stale = (await client.GetFromJsonAsync<ImportStatusDto>($"/import/{job.Id}/status"))!;
        Assert.Equal(("Interrupted", true), (stale.Status, stale.Finished));
        Assert.Equal(Start.UtcDateTime, stale.HeartbeatAt);
        var english = await client.GetStringAsync($"/import/{job.Id}");
        Assert.Contains(">Interrupted</strong>", english);
        Assert.Contains("No sign of life from this import since", english);
        Assert.DoesNotContain("http-equiv=\"refresh\"", english); // nothing more will come: the page stops polling
        Assert.Contains(">Interrupted</td>", await client.GetStringAsync("/import"));
        var chinese = await GetInChineseAsync(client, $"/import/{job.Id}");
        Assert.Contains(">已中断</strong>", chinese);
        Assert.Contains("此导入自", chinese);
        Assert.Contains(">已中断</td>", await GetInChineseAsync(client, "/import"));
        // Stored as it was: interrupted is what the heartbeat says, not a state anyone wrote.
        Assert.Equal(ImportJobStatus.Running, await app.WithDbAsync(db => db.ImportJobs.Where(j => j.Id == job.Id).Select(j => j.Status).SingleAsync()));

        // A process that was only stalled (a suspended laptop) and beats again is running again.
        await jobs.SaveProgressAsync(job.Id, new ImportProgress(10, 100, 1000, 10, 0, 0, TimeSpan.FromSeconds(61)), [], CancellationToken.None);
        Assert.Equal("Running", (await client.GetFromJsonAsync<ImportStatusDto>($"/import/{job.Id}/status"))!.Status);
    }

    [Fact]
    public async Task The_web_app_start_fails_the_uploads_left_queued_but_leaves_a_running_voc_import_to_its_heartbeat()
    {
        using var app = new VocAppFactory();
        await app.EnsureChannelsAsync();
        var jobs = app.Services.GetRequiredService<ImportJobStore>();
        var queued = await jobs.CreateAsync("queued.csv", "support", 100, null);
        var running = await jobs.CreateAsync("cli.csv", "support", 100, null);
        await jobs.MarkRunningAsync(running.Id, 100, CancellationToken.None);

        // A second start of the worker (with a queue of its own), as after a restart of the web app beside a voc import still at work.
        var worker = (ImportWorker)ActivatorUtilities.CreateInstance(app.Services, typeof(ImportWorker), new ImportQueue());
        await worker.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await StatusAsync(app, queued.Id) == ImportJobStatus.Queued && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        await worker.StopAsync(CancellationToken.None);

        Assert.Equal(ImportJobStatus.Failed, await StatusAsync(app, queued.Id));
        Assert.Equal(ImportJobStatus.Running, await StatusAsync(app, running.Id));
    }

    /// <summary>
    /// The probe's fault, as it happened: <c>voc import</c> of a big file killed with SIGKILL mid-way. The job is shown as
    /// interrupted (page, status API, <c>voc import-status</c>) once its heartbeat is older than the window (2 s here);
    /// running the same file again imports the rest, and every row is stored exactly once.
    /// </summary>
    [Fact]
    public async Task A_voc_import_killed_mid_file_is_shown_interrupted_and_running_the_file_again_completes_it_without_duplicates()
    {
        const int rows = 100_000;
        var settings = new Dictionary<string, string?> { ["Import:HeartbeatTimeout"] = "00:00:02" };
        using var app = new VocAppFactory(TestDatabase.CreateSqlite(), settings);
        await app.EnsureChannelsAsync();
        var folder = Directory.CreateTempSubdirectory("voc-kill-");
        try
        {
            var file = Path.Combine(folder.FullName, "backlog.csv");
            await WriteBacklogAsync(file, rows);

            using (var killed = VocProcess.Start(app.Database, settings, "import", file, "--channel", "support", "--batch-size", "500"))
            {
                var deadline = DateTime.UtcNow.AddSeconds(90);
                // Killed as soon as a first batch is committed, well before the last.
                while (await app.WithDbAsync(db => db.FeedbackItems.AnyAsync()) is false)
                {
                    if (killed.HasExited)
                        Assert.Fail($"voc import ended before it could be killed: {await killed.StandardError.ReadToEndAsync()}");
                    Assert.True(DateTime.UtcNow < deadline, "voc import stored no batch within 90 s.");
                    await Task.Delay(20);
                }
                killed.Kill(entireProcessTree: true); // SIGKILL: no finally block, no shutdown hook runs
                await killed.WaitForExitAsync();
            }

            var job = await app.WithDbAsync(db => db.ImportJobs.AsNoTracking().SingleAsync());
            var storedBeforeKill = await app.WithDbAsync(db => db.FeedbackItems.CountAsync());
            Assert.Equal(ImportJobStatus.Running, job.Status);
            Assert.InRange(storedBeforeKill, 1, rows - 1);

            var client = await WebTestSupport.SignedInClientAsync(app, Roles.Csm);
            var statusDeadline = DateTime.UtcNow.AddSeconds(30);
            ImportStatusDto status;
            while ((status = (await client.GetFromJsonAsync<ImportStatusDto>($"/import/{job.Id}/status"))!).Status != "Interrupted" && DateTime.UtcNow < statusDeadline)
                await Task.Delay(200);
            Assert.Equal(("Interrupted", true), (status.Status, status.Finished));
            Assert.Contains("No sign of life from this import since", await client.GetStringAsync($"/import/{job.Id}"));
            var cliStatus = await VocProcess.RunAsync(app.Database, settings, "import-status", job.Id.ToString());
            Assert.Equal(0, cliStatus.ExitCode);
            Assert.Contains("Interrupted", cliStatus.Output);
            Assert.Contains("no heartbeat since", cliStatus.Output);

            var rerun = await VocProcess.RunAsync(app.Database, settings, "import", file, "--channel", "support");
            Assert.True(rerun.ExitCode == 0, rerun.Errors);
            Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"imported {rows - storedBeforeKill:N0}, duplicates {storedBeforeKill:N0}, rejected 0 of {rows:N0} rows"), rerun.Output);
            Assert.Equal(rows, await app.WithDbAsync(db => db.FeedbackItems.CountAsync()));
            Assert.Equal(rows, await app.WithDbAsync(db => db.FeedbackItems.Select(f => f.ExternalId).Distinct().CountAsync()));
            Assert.Equal(ImportJobStatus.Succeeded, await app.WithDbAsync(db => db.ImportJobs.Where(j => j.Id != job.Id).Select(j => j.Status).SingleAsync()));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static Task<ImportJobStatus> StatusAsync(VocAppFactory app, Guid id) =>
        app.WithDbAsync(db => db.ImportJobs.Where(j => j.Id == id).Select(j => j.Status).SingleAsync());

    private static async Task<string> GetInChineseAsync(HttpClient client, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.AcceptLanguage.ParseAdd("zh-CN");
        using var response = await client.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task WriteBacklogAsync(string path, int rows)
    {
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        await writer.WriteAsync("externalId,customer,verbatim,receivedAt\n");
        for (var i = 0; i < rows; i++)
            await writer.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"K-{i:D7},CUST-{i % 500:D3},Voice number {i} about the slow export,2026-0{1 + i % 9}-1{i % 10}T08:00:00Z\n"));
    }
}
