using System.CommandLine;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Seeding;

namespace VoiceOfCustomer.Cli.Commands;

/// <summary>
/// <c>voc seed [--customers N] [--feedback N] [--seed S] [--as-of yyyy-MM-dd] [--no-history] [--append]</c>: the reference
/// data (always loaded at start) plus a demo organisation with two quarters of SLA history. Refuses a database that
/// already has customers unless <c>--append</c>, and one that holds real data (<see cref="DemoDataGuard"/>) always,
/// so a real installation is never mixed with demo data.
/// </summary>
public static class SeedCommand
{
    public const int Refused = 2;

    public sealed record Arguments(int? Customers, int? Feedback, int? Seed, DateTime? AsOf, bool Append, bool NoHistory = false);

    public static Command Build()
    {
        var customers = new Option<int?>("--customers") { Description = "Demo customers to create (default Seed:Customers, 200)." };
        var feedback = new Option<int?>("--feedback") { Description = "Demo feedback items to create (default Seed:Feedback, 5000)." };
        var seed = new Option<int?>("--seed") { Description = "Random seed; the same seed and --as-of give the same data (default 42)." };
        var asOf = new Option<DateTime?>("--as-of") { Description = "Date the demo data is generated relative to, yyyy-MM-dd; its history ends there (default: today, history up to now, UTC)." };
        var noHistory = new Option<bool>("--no-history") { Description = "Store the voices as new and uncoded, arriving now, without living through the SLA (a plain load; default Seed:SlaHistory)." };
        var append = new Option<bool>("--append") { Description = "Add demo data to a database that already holds demo data (never to one with real data)." };
        var command = new Command("seed", "Load the reference data and generate a demo organisation: customers, contacts and feedback.")
        {
            customers, feedback, seed, asOf, noHistory, append,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var arguments = new Arguments(parse.GetValue(customers), parse.GetValue(feedback), parse.GetValue(seed), parse.GetValue(asOf), parse.GetValue(append), parse.GetValue(noHistory));
            if (arguments.Customers < 0 || arguments.Feedback < 0)
            {
                Console.Error.WriteLine("error: --customers and --feedback must be zero or more.");
                return Refused;
            }
            if (arguments.AsOf is { } day && !Reporting.DateRangeLimits.Contains(day))
            {
                // Two quarters of history before it, days after it: the calendar's ends would overflow.
                Console.Error.WriteLine($"error: --as-of must be {Reporting.DateRangeLimits.Description}.");
                return Refused;
            }
            await using var services = await CliHost.CreateAsync(cancellationToken);
            return await RunAsync(services, arguments, Console.Out, Console.Error, cancellationToken);
        });
        return command;
    }

    public static async Task<int> RunAsync(IServiceProvider services, Arguments arguments, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VocDbContext>();
        var options = scope.ServiceProvider.GetRequiredService<IOptions<SeedOptions>>().Value;

        var existing = await db.Customers.CountAsync(cancellationToken);
        if (existing > 0 && !arguments.Append)
        {
            await errors.WriteLineAsync($"error: the database already has {existing} customer(s). Run 'voc seed --append' to add demo data to it anyway.");
            return Refused;
        }
        // --append or not: never into a real installation (the seeder refuses as well, whoever calls it).
        if (await DemoDataGuard.FindAsync(db, cancellationToken) is { } real)
        {
            await errors.WriteLineAsync($"error: {new DemoDataRefusedException(real).Message}");
            return Refused;
        }

        var time = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        var now = time.GetUtcNow().UtcDateTime;
        var anchor = DateTime.SpecifyKind((arguments.AsOf ?? now).Date, DateTimeKind.Utc);
        // Without --as-of the history runs up to this moment, as the web app's demo does; with it, up to that date.
        var request = new DemoSeedRequest(arguments.Customers ?? options.Customers, arguments.Feedback ?? options.Feedback, arguments.Seed ?? options.RandomSeed, anchor,
            options.SlaHistory && !arguments.NoHistory, arguments.AsOf is null ? now : anchor);
        await errors.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Seeding {request.Customers:N0} customer(s) and {request.Feedback:N0} feedback item(s), seed {request.Seed}, as of {anchor:yyyy-MM-dd} ..."));

        var result = await scope.ServiceProvider.GetRequiredService<DemoDataSeeder>()
            .SeedAsync(request, new SeedProgressWriter(errors.WriteLine), cancellationToken);

        var (channels, segments, metrics, gaps) = (await db.Channels.CountAsync(cancellationToken), await db.Segments.CountAsync(cancellationToken),
            await db.BusinessMetrics.CountAsync(cancellationToken), await db.CapabilityGaps.CountAsync(cancellationToken));
        var (customerCount, feedbackCount) = (await db.Customers.CountAsync(cancellationToken), await db.FeedbackItems.LongCountAsync(cancellationToken));
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"""
            Seeded in {result.Elapsed.TotalSeconds:F1} s ({(result.FeedbackAdded / Math.Max(result.Elapsed.TotalSeconds, 0.001)):N0} feedback items/s)
              customers added:   {result.CustomersAdded:N0}{(result.CustomersAlreadyThere > 0 ? $" ({result.CustomersAlreadyThere:N0} already there)" : "")}
              contacts added:    {result.ContactsAdded:N0}
              feedback added:    {result.FeedbackAdded:N0}{(result.FeedbackAlreadyThere > 0 ? $" ({result.FeedbackAlreadyThere:N0} already there)" : "")}
              {History(result.History)}
            Database now holds {channels} channels, {segments} segments, {metrics} business metrics, {gaps} capability gaps, {customerCount:N0} customers, {feedbackCount:N0} feedback items.
            """));
        return 0;
    }

    private static string History(DemoHistoryResult? history) => history is null
        ? "SLA history:       none (every voice new)"
        : string.Create(CultureInfo.InvariantCulture,
            $"SLA history:       {history.Coded:N0} coded, {history.AskedCustomer:N0} asked the customer, {history.Escalations:N0} escalations ({history.Mails:N0} mails sent), {history.StillOpen:N0} still open ({history.Elapsed.TotalSeconds:F1} s)");
}
