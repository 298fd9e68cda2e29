using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Web.Infrastructure;

namespace VoiceOfCustomer.Web.Features.Feedback;

public sealed class FeedbackListViewModel
{
    public const int PageSize = 50;

    public required FeedbackListQuery Query { get; init; }
    public required IReadOnlyList<FeedbackListItem> Items { get; init; }
    public required IReadOnlyList<string> ChannelKeys { get; init; }
    public required FeedbackFilterChoices Choices { get; init; }

    /// <summary>The customers the customer filter stands for; null without one.</summary>
    public CustomerFilter? Customers { get; init; }

    public required IReadOnlyList<string> Errors { get; init; }
    public string? NextCursor { get; init; }

    /// <summary>True when this is not the first page (a valid cursor was followed).</summary>
    public bool IsLaterPage { get; init; }

    /// <summary>No feedback at all is stored: the empty state explains how to get some in.</summary>
    public bool DatabaseIsEmpty { get; init; }
}

public sealed class FeedbackDetailViewModel
{
    public required FeedbackDetail Item { get; init; }

    /// <summary>Deadline, time left and escalations of the attribution SLA.</summary>
    public required VoiceOfCustomer.Web.Features.Sla.SlaPanelModel Sla { get; init; }

    /// <summary>The coded metric, gap, domain and tags in the UI's language.</summary>
    public TaxonomyNames CodedNames { get; init; } = TaxonomyNames.AsStored;

    /// <summary>The metadata JSON indented for reading; the raw text when it does not parse.</summary>
    public string? MetadataPretty { get; init; }
}
