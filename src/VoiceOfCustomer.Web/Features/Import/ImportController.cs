using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Import;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Web.Infrastructure;

namespace VoiceOfCustomer.Web.Features.Import;

/// <summary>
/// <c>/import</c>: upload a CSV, watch it import in the background, read what was refused. The import is the same
/// as <c>voc import</c>; the page only saves the file, creates the job and queues it.
/// </summary>
[Authorize(Roles = Roles.Admin + "," + Roles.Csm)]
[Route("import")]
public sealed class ImportController(
    VocDbContext db,
    ChannelCatalog channels,
    ImportJobStore jobs,
    ImportQueue queue,
    IOptions<WebOptions> web,
    IOptions<ImportOptions> importOptions,
    TimeProvider time,
    IStringLocalizer<SharedResource> t) : Controller
{
    public const int RejectionsPerPage = 500;
    public const string FeedbackKind = "feedback";
    private const int RecentJobs = 20;

    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken cancellationToken) =>
        View(await BuildFormAsync(new ImportFormInput(), null, cancellationToken));

    [HttpPost("")]
    [UploadLimits]
    public async Task<IActionResult> Upload([FromForm] ImportFormInput input, IFormFile? file, CancellationToken cancellationToken)
    {
        string? problem = null;
        Dictionary<string, string>? map = null;
        var kind = CsvCustomerDataImporter.ParseKind(input.Kind);
        if (file is null || file.Length == 0)
            problem = t["Choose a non-empty CSV file."];
        else if (kind is not null && !User.IsInRole(Roles.Admin))
            problem = t["Only an Admin imports customer data."];
        else if (kind is null && !string.IsNullOrWhiteSpace(input.Kind) && input.Kind != FeedbackKind)
            problem = t["Choose what the file holds."];
        else if (file.Length > web.Value.MaxUploadBytes)
            problem = t["The file is {0} MB; at most {1} MB can be uploaded. Use 'voc import' for larger files.",
                Megabytes(file.Length), Megabytes(web.Value.MaxUploadBytes)];
        else if (kind is null && (string.IsNullOrWhiteSpace(input.Channel) || await channels.FindAsync(input.Channel, cancellationToken) is null))
            problem = t["Choose a channel."];
        else if (kind is null && !ColumnMap.TryParse((input.Mapping ?? "").Split('\n'), out map, out var mapError))
            problem = t["Column mapping: {0}", mapError ?? ""];
        if (problem is not null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return View("Index", await BuildFormAsync(input, problem, cancellationToken));
        }

        var jobKey = kind is { } dataKind ? CsvCustomerDataImporter.JobMarker(dataKind) : input.Channel!.Trim();
        var job = await jobs.CreateAsync(file!.FileName, jobKey, file.Length, User.FindFirstValue(ClaimTypes.NameIdentifier), cancellationToken);
        var path = Path.Combine(UploadFolder(), job.Id.ToString("N") + ".csv");
        await using (var target = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
        await using (var source = file.OpenReadStream())
            await source.CopyToAsync(target, cancellationToken);

        queue.Enqueue(new ImportWorkItem(path, new ImportRequest
        {
            ChannelKey = input.Channel?.Trim(),
            FileName = job.FileName,
            ColumnMap = map,
            JobId = job.Id,
        }, kind is { } customerKind ? new CustomerDataImportRequest { Kind = customerKind, FileName = job.FileName, JobId = job.Id } : null));
        return RedirectToAction(nameof(Details), new { id = job.Id });
    }

    [HttpGet("{id:guid}")]
    public async Task<IActionResult> Details(Guid id, int page = 1, CancellationToken cancellationToken = default)
    {
        var job = await db.ImportJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, cancellationToken);
        if (job is null)
            return NotFound();
        page = Math.Max(1, page);
        var rejections = await db.ImportRejections.AsNoTracking()
            .Where(r => r.ImportJobId == id)
            .OrderBy(r => r.LineNumber).ThenBy(r => r.Id)
            .Skip((page - 1) * RejectionsPerPage).Take(RejectionsPerPage + 1)
            .ToListAsync(cancellationToken);
        var hasMore = rejections.Count > RejectionsPerPage;
        if (hasMore)
            rejections.RemoveAt(RejectionsPerPage);
        return View(new ImportDetailsModel(job, ShownStatus(job), rejections, page, hasMore, importOptions.Value.MaxStoredRejections));
    }

    [HttpGet("{id:guid}/status")]
    public async Task<IActionResult> Status(Guid id, CancellationToken cancellationToken)
    {
        var job = await db.ImportJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, cancellationToken);
        return job is null ? NotFound() : Ok(ImportStatusDto.From(job, ShownStatus(job)));
    }

    private async Task<ImportFormModel> BuildFormAsync(ImportFormInput input, string? problem, CancellationToken cancellationToken)
    {
        var recent = await db.ImportJobs.AsNoTracking().OrderByDescending(j => j.CreatedAt).Take(RecentJobs).ToListAsync(cancellationToken);
        return new ImportFormModel(input, await channels.KeysAsync(cancellationToken), [.. recent.Select(j => new ImportJobRow(j, ShownStatus(j)))], problem,
            web.Value.MaxUploadBytes);
    }

    /// <summary>Running, or interrupted when its process has stopped beating (<see cref="ImportOptions.HeartbeatTimeout"/>).</summary>
    private ImportJobStatus ShownStatus(ImportJob job) => job.StatusAt(time.GetUtcNow().UtcDateTime, importOptions.Value.HeartbeatTimeout);

    private static string Megabytes(long bytes) => (bytes / 1048576.0).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);

    private string UploadFolder()
    {
        var folder = string.IsNullOrWhiteSpace(importOptions.Value.UploadFolder)
            ? Path.Combine(Path.GetTempPath(), "voc-imports")
            : importOptions.Value.UploadFolder;
        Directory.CreateDirectory(folder);
        return folder;
    }
}

public sealed class ImportFormInput
{
    /// <summary><c>feedback</c> (the default) or a <see cref="CustomerDataKind"/> in lower case.</summary>
    public string? Kind { get; set; }

    public string? Channel { get; set; }

    /// <summary>One <c>column=field</c> per line.</summary>
    public string? Mapping { get; set; }
}

public sealed record ImportFormModel(ImportFormInput Input, IReadOnlyList<string> Channels, IReadOnlyList<ImportJobRow> Recent, string? Problem, long MaxUploadBytes);

/// <summary>A job with the status to show (see <see cref="ImportJob.StatusAt"/>).</summary>
public sealed record ImportJobRow(ImportJob Job, ImportJobStatus Status);

public sealed record ImportDetailsModel(ImportJob Job, ImportJobStatus Status, IReadOnlyList<ImportRejection> Rejections, int Page, bool HasMore, int MaxStoredRejections)
{
    public bool IsFinished => ImportJob.IsOver(Status);
}

/// <summary>What <c>GET /import/{id}/status</c> answers, for the page's poll. <c>Finished</c>: no more progress will come (also when interrupted).</summary>
public sealed record ImportStatusDto(
    Guid Id, string Status, bool Finished, long? FileBytes, long BytesRead, double? Percent,
    int RowsRead, int Imported, int Duplicates, int Rejected, string? Error, DateTime? HeartbeatAt = null)
{
    public static ImportStatusDto From(ImportJob job, ImportJobStatus shown) => new(
        job.Id,
        shown.ToString(),
        ImportJob.IsOver(shown),
        job.FileBytes,
        job.BytesRead,
        job.Status == ImportJobStatus.Succeeded ? 100 : job.FileBytes is > 0 ? Math.Round(100.0 * job.BytesRead / job.FileBytes.Value, 1) : null,
        job.RowsRead,
        job.Imported,
        job.Duplicates,
        job.Rejected,
        job.Error,
        job.HeartbeatAt);
}
