using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;
using VoiceOfCustomer.Web.Features.Import;
using static VoiceOfCustomer.IntegrationTests.Import.ImportTestFiles;

namespace VoiceOfCustomer.IntegrationTests.Import;

/// <summary>The upload page as a browser uses it: sign in, get the form (and its anti-forgery token), post the file, poll.</summary>
public sealed partial class ImportPageTests : IAsyncLifetime
{
    private readonly VocAppFactory _app = new();

    public Task InitializeAsync() => _app.EnsureChannelsAsync();

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>A new user in the role, signed in through the real sign-in form.</summary>
    private Task<HttpClient> SignInAsync(string role) => WebTestSupport.SignedInClientAsync(_app, role);

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, byte[] csv, string channel, string mapping = "")
    {
        var form = await client.GetStringAsync("/import");
        var token = TokenField().Match(form).Groups[1].Value;
        Assert.NotEmpty(token);
        using var content = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent(channel), "Channel" },
            { new StringContent(mapping), "Mapping" },
            { new ByteArrayContent(csv), "file", "upload.csv" },
        };
        return await client.PostAsync("/import", content);
    }

    private static async Task<ImportStatusDto> WaitAsync(HttpClient client, string jobPath)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var status = (await client.GetFromJsonAsync<ImportStatusDto>(jobPath + "/status"))!;
            if (status.Finished || DateTime.UtcNow > deadline)
                return status;
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_CSM_uploads_a_file_watches_it_import_and_sees_the_rejected_rows()
    {
        var client = await SignInAsync(Roles.Csm);
        var csv = Utf8("ticket,customer,verbatim,receivedAt\nW-1,ACME,网页上传的反馈,2026-01-01T00:00:00Z\nW-2,ACME,,2026-01-01T00:00:00Z\nW-3,ACME,\"with, comma\",not-a-date\nW-4,Globex,fine,\n");

        var response = await UploadAsync(client, csv, "support", "ticket=externalId");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var jobPath = response.Headers.Location!.OriginalString;
        Assert.Matches("^/import/[0-9a-f-]{36}$", jobPath);
        var status = await WaitAsync(client, jobPath);
        Assert.Equal(("Succeeded", 4, 2, 0, 2), (status.Status, status.RowsRead, status.Imported, status.Duplicates, status.Rejected));
        Assert.Equal(100, status.Percent);

        var page = await client.GetStringAsync(jobPath);
        Assert.Contains("<td>3</td><td><code>verbatim</code></td>", page);
        Assert.Contains("<td>4</td><td><code>receivedAt</code></td>", page);
        Assert.DoesNotContain("http-equiv=\"refresh\"", page);
        Assert.Equal("网页上传的反馈", await _app.WithDbAsync(db => db.FeedbackItems.Where(f => f.ExternalId == "W-1").Select(f => f.Verbatim).SingleAsync()));

        var list = await client.GetStringAsync("/import");
        Assert.Contains(jobPath, list);
        Assert.Contains("upload.csv", list);
    }

    [Fact]
    public async Task A_wrong_header_fails_the_job_with_its_message_and_imports_nothing()
    {
        var client = await SignInAsync(Roles.Csm);

        var response = await UploadAsync(client, Utf8("customer,comment\nACME,hello\n"), "support");

        var jobPath = response.Headers.Location!.OriginalString;
        var status = await WaitAsync(client, jobPath);
        Assert.Equal("Failed", status.Status);
        Assert.Contains("unknown column 'comment'", status.Error);
        Assert.Contains("unknown column &#x27;comment&#x27;", await client.GetStringAsync(jobPath));
        Assert.Equal(0, await _app.WithDbAsync(db => db.FeedbackItems.CountAsync()));
    }

    [Fact]
    public async Task A_running_job_page_refreshes_itself_and_a_bad_form_is_shown_again()
    {
        var client = await SignInAsync(Roles.Csm);

        var noChannel = await UploadAsync(client, Utf8("customer,verbatim\nA,b\n"), "");
        Assert.Equal(HttpStatusCode.BadRequest, noChannel.StatusCode);
        Assert.Contains("Choose a channel.", await noChannel.Content.ReadAsStringAsync());

        var badMap = await UploadAsync(client, Utf8("customer,verbatim\nA,b\n"), "support", "oops");
        Assert.Equal(HttpStatusCode.BadRequest, badMap.StatusCode);

        await using var scope = _app.Scope();
        var job = await scope.ServiceProvider.GetRequiredService<VoiceOfCustomer.Import.ImportJobStore>().CreateAsync("queued.csv", "support", 100, null);
        var page = await client.GetStringAsync($"/import/{job.Id}");
        Assert.Contains("http-equiv=\"refresh\"", page);
        Assert.Contains("<progress", page);
    }

    [Fact]
    public async Task Only_admins_and_CSMs_may_import_and_posts_need_the_anti_forgery_token()
    {
        var anonymous = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.GetAsync("/import")).StatusCode);

        var pm = await SignInAsync(Roles.ProductManager);
        var denied = await pm.GetAsync("/import");
        Assert.Contains("/account/denied", denied.Headers.Location?.OriginalString ?? "");

        var csm = await SignInAsync(Roles.Csm);
        using var content = new MultipartFormDataContent { { new StringContent("support"), "Channel" }, { new ByteArrayContent(Utf8("customer,verbatim\nA,b\n")), "file", "x.csv" } };
        Assert.Equal(HttpStatusCode.BadRequest, (await csm.PostAsync("/import", content)).StatusCode);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
