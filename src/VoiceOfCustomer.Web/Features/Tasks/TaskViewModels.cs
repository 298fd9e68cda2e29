using VoiceOfCustomer.Workflows.Flows;
using VoiceOfCustomer.Workflows.Persistence;

namespace VoiceOfCustomer.Web.Features.Tasks;

public sealed class MyTasksViewModel
{
    public const int PageSize = 25;

    public required IReadOnlyList<TaskCard> Tasks { get; init; }
    public required int Total { get; init; }
    public required int Page { get; init; }
    public required DateTime Now { get; init; }

    public int PageCount => Math.Max(1, (Total + PageSize - 1) / PageSize);
}

/// <summary>What a person typed, kept when the form comes back with an error.</summary>
public sealed class TaskAnswerForm
{
    public string? Outcome { get; set; }
    public string? Comment { get; set; }
}

/// <summary>One task's page: its words, and either the form (open) or where it stands (answered, closed).</summary>
public sealed class TaskPageViewModel
{
    public required TaskCard Card { get; init; }
    public TaskAnswerForm Form { get; init; } = new();
    public string? OutcomeError { get; init; }
    public string? CommentError { get; init; }

    /// <summary>True right after this person's answer was saved.</summary>
    public bool JustAnswered { get; init; }

    /// <summary>The e-mail link's token when the page is the link's (its form posts back to the link); null on My tasks.</summary>
    public string? Token { get; init; }

    public WorkflowTask Task => Card.Task;
    public bool IsOpen => Task.Status == WorkflowTaskStatus.Open;
    public int CommentMaxLength => WorkflowTasks.CommentMaxLength;

    public static TaskPageViewModel Invalid(TaskCard card, TaskAnswerForm form, TaskAnswerStatus status, string? token, Microsoft.Extensions.Localization.IStringLocalizer t) => new()
    {
        Card = card,
        Form = form,
        Token = token,
        OutcomeError = status == TaskAnswerStatus.InvalidOutcome ? t["Choose one of the answers."].Value : null,
        CommentError = status == TaskAnswerStatus.CommentTooLong ? t["The comment may be at most {0} characters.", WorkflowTasks.CommentMaxLength].Value : null,
    };
}

/// <summary>Why a task cannot be shown or answered here: a plain page with the status code it goes with.</summary>
/// <param name="ForLink">Shown to the holder of an e-mail link: the page offers nothing else of the app.</param>
public sealed record TaskRefusal(int StatusCode, string Heading, string Explanation, bool ForLink);
