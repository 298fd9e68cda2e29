using Microsoft.Extensions.Options;
using VoiceOfCustomer.IntegrationTests.Infrastructure;

namespace VoiceOfCustomer.IntegrationTests.Intake;

public sealed class WebhookOptionsTests
{
    [Fact]
    public void Misconfigured_webhook_source_stops_the_app_at_start_up()
    {
        using var app = new VocAppFactory(TestDatabase.CreateSqlite(), new Dictionary<string, string?>
        {
            ["Intake:Webhooks:Sources:broken:Fields:verbatim"] = "body",
            ["Intake:Webhooks:Sources:broken:Fields:sentiment"] = "mood",
        });

        var exception = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        var validation = Assert.IsType<OptionsValidationException>(exception is AggregateException aggregate ? aggregate.InnerException : exception);
        var message = string.Join(" ", validation.Failures);
        Assert.Contains("broken:Channel is required", message);
        Assert.Contains("broken:Fields:sentiment is not a known field", message);
        Assert.Contains("broken:Fields:customer must be mapped", message);
    }
}
