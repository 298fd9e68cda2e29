using VoiceOfCustomer.Suggestions;

namespace VoiceOfCustomer.UnitTests.Suggestions;

public sealed class SuggestionModelTests
{
    private static readonly TaxonomyEntryText[] Taxonomy =
    [
        new(SuggestionField.CapabilityGap, "invoice-accuracy", "Invoice accuracy", "发票准确性", "Invoices show wrong amounts, duplicate charges or missing discounts"),
        new(SuggestionField.CapabilityGap, "single-sign-on", "Single sign-on", "单点登录", "Customers cannot log in with their company identity provider"),
        new(SuggestionField.CapabilityGap, "report-speed", "Report speed", "报表速度", "Reports and dashboards load slowly or time out"),
        new(SuggestionField.OwningDomain, "billing", "Billing", "计费", "Invoices, payments and refunds"),
        new(SuggestionField.OwningDomain, "identity", "Identity", "身份", "Sign-in, passwords and access"),
    ];

    [Fact]
    public void Cold_start_suggests_from_taxonomy_names_and_descriptions()
    {
        var model = SuggestionModel.ColdStart(Taxonomy);

        Assert.True(model.IsColdStart);
        var gap = model.Suggest("the invoice has duplicate charges").Single(s => s.Field == SuggestionField.CapabilityGap);
        Assert.Equal(SuggestionSource.ColdStart, gap.Source);
        Assert.Equal("invoice-accuracy", gap.Ranked[0].Label);
        var zh = model.Suggest("报表加载太慢了").Single(s => s.Field == SuggestionField.CapabilityGap);
        Assert.Equal("report-speed", zh.Ranked[0].Label);
    }

    [Fact]
    public void Fields_with_enough_history_learn_from_it_and_the_rest_stay_on_cold_start()
    {
        var examples = new List<CodedExample>();
        for (var i = 0; i < 15; i++)
        {
            examples.Add(new CodedExample($"charged twice on invoice {i}", null, "invoice-accuracy", "billing", "Pain", ["refund"]));
            examples.Add(new CodedExample($"sso login fails for user {i}", null, "single-sign-on", "identity", "Need", ["sso"]));
        }

        var model = SuggestionModel.Train(examples, Taxonomy);

        Assert.False(model.IsColdStart);
        Assert.Equal(SuggestionSource.Local, model.SourceFor(SuggestionField.CapabilityGap));
        Assert.Equal(SuggestionSource.Local, model.SourceFor(SuggestionField.Tags));
        Assert.Null(model.SourceFor(SuggestionField.BusinessMetric)); // no history and no taxonomy entries
        var suggestions = model.Suggest("sso login fails again");
        Assert.Equal("single-sign-on", suggestions.Single(s => s.Field == SuggestionField.CapabilityGap).Best?.Label);
        Assert.Equal("sso", suggestions.Single(s => s.Field == SuggestionField.Tags).Best?.Label);
        Assert.Equal("Need", suggestions.Single(s => s.Field == SuggestionField.ValueDimension).Best?.Label);
    }

    [Fact]
    public void A_serialized_model_keeps_its_fields_sources_and_answers()
    {
        var model = SuggestionModel.ColdStart(Taxonomy);
        var loaded = SuggestionModel.Deserialize(model.Serialize(), version: 7);

        Assert.Equal(7, loaded.Version);
        Assert.Equal(model.Fields.Order(), loaded.Fields.Order());
        var text = "cannot log in with our identity provider";
        Assert.Equal(
            model.Suggest(text).Select(s => (s.Field, s.Ranked[0].Label)),
            loaded.Suggest(text).Select(s => (s.Field, s.Ranked[0].Label)));
        Assert.All(loaded.Suggest(text), s => Assert.Equal(7, s.ModelVersion));
    }
}
