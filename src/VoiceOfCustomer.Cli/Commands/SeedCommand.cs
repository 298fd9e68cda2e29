using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Seeding;

namespace VoiceOfCustomer.Cli.Commands;

/// <summary>
/// <c>voc seed [--customers N] [--feedback N] [--coded N] [--seed S] [--as-of yyyy-MM-dd] [--append]</c>: the reference data
/// (always loaded at start) plus a demo organisation. Refuses a database that already has customers unless
/// <c>--append</c>, so a real installation is not mixed with demo data by accident.
/// </summary>
public static class SeedCommand
{
    public const int Refused = 2;

    public sealed record Arguments(int? Customers, int? Feedback, int? Seed, DateTime? AsOf, bool Append, int? Coded = null);

    public static Command Build()
    {
        var customers = new Option<int?>("--customers") { Description = "Demo customers to create (default Seed:Customers, 200)." };
        var feedback = new Option<int?>("--feedback") { Description = "Demo feedback items to create (default Seed:Feedback, 5000)." };
        var coded = new Option<int?>("--coded") { Description = "About this many older voices come already coded, a CSM team's history (default Seed:CodedHistory, 600)." };
        var seed = new Option<int?>("--seed") { Description = "Random seed; the same seed and --as-of give the same data (default 42)." };
        var asOf = new Option<DateTime?>("--as-of") { Description = "Date the demo data is generated relative to, yyyy-MM-dd (default today, UTC)." };
        var append = new Option<bool>("--append") { Description = "Add demo data even though the database already has customers." };
        var command = new Command("seed", "Load the reference data and generate a demo organisation: customers, contacts and feedback.")
        {
            customers, feedback, coded, seed, asOf, append,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var arguments = new Arguments(parse.GetValue(customers), parse.GetValue(feedback), parse.GetValue(seed), parse.GetValue(asOf), parse.GetValue(append), parse.GetValue(coded));
            if (arguments.Customers < 0 || arguments.Feedback < 0 || arguments.Coded < 0)
            {
                Console.Error.WriteLine("error: --customers, --feedback and --coded must be zero or more.");
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

        var time = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        var anchor = DateTime.SpecifyKind((arguments.AsOf ?? time.GetUtcNow().UtcDateTime).Date, DateTimeKind.Utc);
        var request = new DemoSeedRequest(arguments.Customers ?? options.Customers, arguments.Feedback ?? options.Feedback, arguments.Seed ?? options.RandomSeed, anchor,
            arguments.Coded ?? options.CodedHistory);
        await errors.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Seeding {request.Customers:N0} customer(s) and {request.Feedback:N0} feedback item(s), seed {request.Seed}, as of {anchor:yyyy-MM-dd} ..."));

        var result = await scope.ServiceProvider.GetRequiredService<DemoDataSeeder>()
            .SeedAsync(request, new ProgressWriter(errors), cancellationToken);

        var (channels, segments, metrics, gaps) = (await db.Channels.CountAsync(cancellationToken), await db.Segments.CountAsync(cancellationToken),
            await db.BusinessMetrics.CountAsync(cancellationToken), await db.CapabilityGaps.CountAsync(cancellationToken));
        var (customerCount, feedbackCount) = (await db.Customers.CountAsync(cancellationToken), await db.FeedbackItems.LongCountAsync(cancellationToken));
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"""
            Seeded in {result.Elapsed.TotalSeconds:F1} s ({(result.FeedbackAdded / Math.Max(result.Elapsed.TotalSeconds, 0.001)):N0} feedback items/s)
              customers added:   {result.CustomersAdded:N0}{(result.CustomersAlreadyThere > 0 ? $" ({result.CustomersAlreadyThere:N0} already there)" : "")}
              contacts added:    {result.ContactsAdded:N0}
              feedback added:    {result.FeedbackAdded:N0}{(result.FeedbackAlreadyThere > 0 ? $" ({result.FeedbackAlreadyThere:N0} already there)" : "")}
              already coded:     {result.Coded:N0}
            Database now holds {channels} channels, {segments} segments, {metrics} business metrics, {gaps} capability gaps, {customerCount:N0} customers, {feedbackCount:N0} feedback items.
            """));
        return 0;
    }

    /// <summary>Synchronous (unlike <see cref="Progress{T}"/>), so lines come out in order; at most one line per phase per second.</summary>
    private sealed class ProgressWriter(TextWriter errors) : IProgress<SeedProgress>
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private TimeSpan _last = TimeSpan.MinValue;
        private string? _phase;

        public void Report(SeedProgress value)
        {
            var now = _clock.Elapsed;
            var finished = value.Done >= value.Total;
            if (value.Phase == _phase && !finished && now - _last < TimeSpan.FromSeconds(1))
                return;
            _phase = value.Phase;
            _last = now;
            var percent = value.Total == 0 ? 100 : 100.0 * value.Done / value.Total;
            errors.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {value.Phase,-10} {value.Done,12:N0} / {value.Total:N0} ({percent:F0}%)  {now.TotalSeconds:F1} s"));
        }
    }
}
