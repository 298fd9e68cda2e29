using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;

namespace VoiceOfCustomer.Data;

/// <summary>
/// What the model needs to mean on SQL Server what it means on SQLite and PostgreSQL. Applied by
/// <see cref="VocDbContext"/> only when the context runs on SQL Server, so the other providers' models and
/// migrations are untouched. See docs/decisions/0001-database-providers.md.
/// </summary>
public static partial class SqlServerModel
{
    /// <summary>
    /// Every text column's collation: binary, as SQLite compares and as the PostgreSQL of the tests (C.UTF-8) does.
    /// SQL Server's usual default is case-insensitive, which would make <c>T-1</c> and <c>t-1</c> one external id and
    /// one unique key. Searches that should ignore case say so (<see cref="CaseInsensitiveCollation"/>).
    /// </summary>
    public const string ColumnCollation = "Latin1_General_100_BIN2";

    /// <summary>For the searches that ignore case (ILIKE on PostgreSQL): case-insensitive, accent-sensitive, whole Unicode.</summary>
    public const string CaseInsensitiveCollation = "Latin1_General_100_CI_AS_SC";

    public static void ConfigureConventions(ModelConfigurationBuilder conventions)
    {
        conventions.Properties<string>().UseCollation(ColumnCollation);
        // SQL Server's time type holds less than a day; SLA targets are 48 hours and more. Ticks hold any span exactly.
        conventions.Properties<TimeSpan>().HaveConversion<long>();
        conventions.Properties<TimeSpan?>().HaveConversion<long?>();
    }

    /// <summary>Index filters are written with PostgreSQL's (and SQLite's) "quoted" names; SQL Server's form is [bracketed].</summary>
    public static void Apply(ModelBuilder builder)
    {
        foreach (var entity in builder.Model.GetEntityTypes())
        {
            foreach (var index in entity.GetDeclaredIndexes())
            {
                if (index.GetFilter() is { } filter)
                    index.SetFilter(BracketIdentifiers(filter));
            }
        }
    }

    /// <summary><c>"Status" IN ('New')</c> becomes <c>[Status] IN ('New')</c>; string literals are left alone.</summary>
    public static string BracketIdentifiers(string sql) => QuotedIdentifier().Replace(sql, match =>
        match.Groups["literal"].Success ? match.Value : "[" + match.Groups["name"].Value + "]");

    [GeneratedRegex("""(?<literal>'(?:[^']|'')*')|"(?<name>[^"\]]+)"(?!")""")]
    private static partial Regex QuotedIdentifier();
}
