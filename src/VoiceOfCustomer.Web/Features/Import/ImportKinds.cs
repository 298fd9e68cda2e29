using Microsoft.Extensions.Localization;
using VoiceOfCustomer.Import;
using VoiceOfCustomer.Web.Infrastructure;

namespace VoiceOfCustomer.Web.Features.Import;

/// <summary>How the import pages name what a file held: the channel of a feedback import, the kind of a customer-data one.</summary>
public static class ImportKinds
{
    /// <summary>The string-table key of a kind's label.</summary>
    public static string Label(CustomerDataKind kind) => kind switch
    {
        CustomerDataKind.Customers => "Customers",
        CustomerDataKind.Contracts => "Contracts",
        CustomerDataKind.Transactions => "Purchases",
        _ => "Behaviour metrics",
    };

    /// <summary>A job's channel column: a channel's name, or the label of the customer-data kind it holds.</summary>
    public static string Describe(string channelKey, IStringLocalizer t, ReferenceNames.Table names) =>
        CsvCustomerDataImporter.KindOfJob(channelKey) is { } kind ? t[Label(kind)] : names.Channel(channelKey);
}
