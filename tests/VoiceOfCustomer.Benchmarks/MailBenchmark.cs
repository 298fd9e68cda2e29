using System.Diagnostics;
using System.Net.Http.Json;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Workflows.Email;
using VoiceOfCustomer.Workflows.Persistence;
using static VoiceOfCustomer.Benchmarks.BenchmarkSupport;

namespace VoiceOfCustomer.Benchmarks;

/// <summary>
/// Issue 16: N outbox mails (default 1,000) delivered to maildev through the outbox (claims, one MailKit connection
/// per batch, a row update per accepted mail, SQLite), against the baseline of a plain loop sending the same N mails
/// over one MailKit connection, in the same run. Target: outbox time ≤ 1.5 × baseline. A first round of both is not
/// counted (the JIT compiles both paths to their optimised form); then each round runs both (in alternating order,
/// maildev emptied before each); the verdict compares the medians.
/// </summary>
public static class MailBenchmark
{
    public static async Task<int> RunAsync(int mails, int rounds, int? smtpPort)
    {
        var folder = Directory.CreateTempSubdirectory("voc-bench-mail-");
        var smtp = smtpPort ?? BenchmarkApp.FreePort();
        var web = BenchmarkApp.FreePort();
        using var maildev = await StartMailDevAsync(smtp, web, folder.FullName);
        using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{web}/"), Timeout = TimeSpan.FromSeconds(60) };
        var services = await BenchmarkApp.PrepareDatabaseAsync(Path.Combine(folder.FullName, "voc.db"), new Dictionary<string, string?>
        {
            ["Email:Smtp:Host"] = "127.0.0.1",
            ["Email:Smtp:Port"] = smtp.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Email:FromName"] = "客户之声 VoiceOfCustomer",
        });
        try
        {
            var options = services.GetRequiredService<IOptions<EmailOptions>>().Value;
            var batchSize = options.Outbox.BatchSize;
            var content = Render(services.GetRequiredService<IEmailTemplates>(), mails);
            var outbox = services.GetRequiredService<OutboxSender>();
            var baselines = new List<double>();
            var outboxTimes = new List<double>();
            Console.WriteLine(Invariant($"mail: {mails:N0} mails per run to maildev 2.2.1 on 127.0.0.1:{smtp}, outbox batch size {batchSize}, SQLite, {rounds} rounds after a warm-up"));
            for (var round = 0; round <= rounds; round++)
            {
                // Alternate which goes first, so neither always meets a freshly emptied maildev.
                foreach (var outboxFirst in round % 2 == 0 ? new[] { true, false } : [false, true])
                {
                    await api.DeleteAsync("email/all");
                    if (outboxFirst)
                        outboxTimes.Add(await OutboxAsync(services, outbox, content, round));
                    else
                        baselines.Add(await BaselineAsync(options, content, smtp, round));
                    await WaitForMailsAsync(api, mails);
                }
                if (round == 0)
                {
                    Console.WriteLine(Invariant($"  warm-up (not counted): baseline {baselines[^1]:0.00} s, outbox {outboxTimes[^1]:0.00} s"));
                    baselines.Clear();
                    outboxTimes.Clear();
                    continue;
                }
                Console.WriteLine(Invariant($"  round {round}: baseline {baselines[^1]:0.00} s ({mails / baselines[^1]:N0} mails/s), outbox {outboxTimes[^1]:0.00} s ({mails / outboxTimes[^1]:N0} mails/s), ratio {outboxTimes[^1] / baselines[^1]:0.00}"));
            }
            var baseline = Median(baselines);
            var through = Median(outboxTimes);
            var ratio = through / baseline;
            Console.WriteLine(Invariant($"median: baseline (one MailKit connection, plain loop) {baseline:0.00} s, outbox {through:0.00} s, ratio {ratio:0.00}  target <= 1.50"));
            var pass = ratio <= 1.5;
            Console.WriteLine(pass ? "PASS" : "FAIL");
            return pass ? 0 : 1;
        }
        finally
        {
            await services.DisposeAsync();
            SqliteConnection.ClearAllPools();
            maildev.Kill(entireProcessTree: true);
            await maildev.WaitForExitAsync();
            folder.Delete(recursive: true);
        }
    }

    private sealed record Mail(string To, string ToName, string Subject, string Text, string Html);

    /// <summary>The SLA breach mail in both languages, as the workflow renders it: Chinese and English subjects and names.</summary>
    private static List<Mail> Render(IEmailTemplates templates, int count) =>
        [.. Enumerable.Range(0, count).Select(i =>
        {
            var chinese = i % 2 == 0;
            var name = chinese ? $"李雷{i}" : $"Lee Ray {i}";
            var rendered = templates.Render("sla-breach", chinese ? "zh-CN" : "en", new Dictionary<string, string>
            {
                ["recipientName"] = name, ["itemId"] = (4711 + i).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["customer"] = "Acme <Retail> 零售", ["segment"] = chinese ? "战略共建" : "Strategic", ["owner"] = "王芳",
                ["deadline"] = "2026-03-01 08:00 UTC", ["overdueBy"] = chinese ? "1 天" : "1 day", ["timeLeft"] = "", ["level"] = "1",
                ["link"] = $"http://127.0.0.1:5080/feedback/{4711 + i}",
                ["verbatim"] = chinese ? "促销期间补货单总是延迟，门店缺货，客户投诉越来越多。" : "Replenishment orders are always late during promotions; stores run out.",
            });
            return new Mail($"cs-lead-{i}@bench.test", name, rendered.Subject, rendered.TextBody, rendered.HtmlBody);
        })];

    /// <summary>The same mails, built the same way (MimeKit), sent in a plain loop over one connection.</summary>
    private static async Task<double> BaselineAsync(EmailOptions options, List<Mail> content, int port, int round)
    {
        var stopwatch = Stopwatch.StartNew();
        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None);
        for (var i = 0; i < content.Count; i++)
        {
            var mail = content[i];
            var message = new EmailMessage($"baseline.{round}.{i}@localhost", mail.To, mail.ToName, mail.Subject, mail.Text, mail.Html);
            await client.SendAsync(MimeMessages.Create(options, message, DateTimeOffset.UtcNow));
        }
        await client.DisconnectAsync(true);
        return stopwatch.Elapsed.TotalSeconds;
    }

    /// <summary>Queues the mails (not timed), then times the outbox sender's rounds until none is due.</summary>
    private static async Task<double> OutboxAsync(IServiceProvider services, OutboxSender outbox, List<Mail> content, int round)
    {
        var now = DateTime.UtcNow;
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VocDbContext>();
            db.OutboxEmails.AddRange(content.Select((mail, i) => new OutboxEmail
            {
                Key = $"bench:{round}:{i}", ToAddress = mail.To, ToName = mail.ToName, Language = i % 2 == 0 ? "zh-CN" : "en",
                Subject = mail.Subject, TextBody = mail.Text, HtmlBody = mail.Html, Template = "sla-breach",
                State = OutboxEmailState.Pending, CreatedAt = now, NextAttemptAt = now,
            }));
            await db.SaveChangesAsync();
        }
        // What the hosted sender does at each poll: one round, batch after batch over one connection.
        var stopwatch = Stopwatch.StartNew();
        var attempted = await outbox.DeliverAllDueAsync(CancellationToken.None);
        var elapsed = stopwatch.Elapsed.TotalSeconds;
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VocDbContext>();
            var prefix = $"bench:{round}:";
            var sent = await db.OutboxEmails.CountAsync(e => e.Key.StartsWith(prefix) && e.State == OutboxEmailState.Sent);
            if (sent != content.Count || attempted != content.Count)
                throw new InvalidOperationException($"The outbox attempted {attempted} and sent {sent} of {content.Count} mails: {await db.OutboxEmails.Where(e => e.LastError != null).Select(e => e.LastError).FirstOrDefaultAsync()}");
        }
        return elapsed;
    }

    private static async Task WaitForMailsAsync(HttpClient api, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        int arrived;
        while ((arrived = (await api.GetFromJsonAsync<List<System.Text.Json.JsonElement>>("email"))!.Count) < count)
        {
            if (DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"maildev holds {arrived} of {count} mails.");
            await Task.Delay(200);
        }
    }

    private static async Task<Process> StartMailDevAsync(int smtp, int web, string folder)
    {
        var bin = Environment.GetEnvironmentVariable("VOC_TEST_MAILDEV_BIN") is { Length: > 0 } configured ? configured : Path.Combine(CheckoutRoot(), ".tools", "maildev", "node_modules", ".bin", "maildev");
        if (!File.Exists(bin))
            throw new FileNotFoundException($"maildev is not installed at {bin}: run scripts/test.sh once (it installs maildev 2.2.1 into .tools/maildev), or set VOC_TEST_MAILDEV_BIN.");
        var start = new ProcessStartInfo(bin)
        {
            ArgumentList = { "--ip", "127.0.0.1", "--smtp", smtp.ToString(System.Globalization.CultureInfo.InvariantCulture), "--web", web.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--web-ip", "127.0.0.1", "--mail-directory", Path.Combine(folder, "maildev"), "--silent" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{bin} did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"[maildev] {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var deadline = DateTime.UtcNow.AddSeconds(30); ; await Task.Delay(200))
        {
            try
            {
                await probe.GetStringAsync($"http://127.0.0.1:{web}/email");
                return process;
            }
            catch (Exception) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
            }
        }
    }

    private static string CheckoutRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VoiceOfCustomer.sln")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException("The checkout's root (VoiceOfCustomer.sln) was not found above " + AppContext.BaseDirectory);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
